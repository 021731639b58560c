"""The interviewer and grading services, graded in-process (no worker): policy, follow-ups, report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.exceptions import ApplicationError, Conflict
from apps.interviews import services
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question
from apps.roadmap.models import Topic, TopicProgress
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade, strong_answer

pytestmark = pytest.mark.django_db


def _fresh(interview: Interview) -> Interview:
    interview.refresh_from_db()
    return interview


def _partial_answer(interview: Interview) -> str:
    """States only the lightest key point: misses the important ones."""
    version = interview.current_version
    lightest = min(range(len(version.key_points)), key=lambda i: (version.key_points[i].get("weight", 1), i))
    return version.key_points[lightest]["text"].rstrip(".") + "."


def test_start_asks_a_published_question_of_the_round(user):
    interview = services.interview_start(user=user, round="coding", num_questions=3)
    assert interview.status == "active" and interview.rounds == ["coding"] * 3
    question = interview.current_version.question
    assert question.round == "coding" and question.status == Question.Status.PUBLISHED
    assert question.current_version_id == interview.current_version_id


def test_full_loop_follows_the_target_roles_rounds_in_order(user):
    from apps.careers.models import JobRole

    role = next(r for r in JobRole.objects.order_by("pk") if len(r.interview_rounds) == 4)
    user.target_role = role
    user.save(update_fields=["target_role"])
    interview = services.interview_start(user=user, round="loop", num_questions=len(role.interview_rounds))
    assert interview.role == role
    assert interview.rounds == role.interview_rounds
    assert interview.current_version.question.round == role.interview_rounds[0]
    rounds_asked = [interview.current_version.question.round]
    for _ in range(len(role.interview_rounds) - 1):
        answer_and_grade(interview)
        interview = _fresh(interview)
        rounds_asked.append(interview.current_version.question.round)
    assert rounds_asked == role.interview_rounds


def test_short_loop_spreads_over_the_rounds(user):
    from apps.careers.models import JobRole

    role = next(r for r in JobRole.objects.order_by("pk") if len(r.interview_rounds) == 4)
    interview = services.interview_start(user=user, round="loop", role=role, num_questions=2)
    assert interview.rounds == [role.interview_rounds[0], role.interview_rounds[2]]


def test_full_loop_without_any_role_is_an_error(user):
    with pytest.raises(ApplicationError) as caught:
        services.interview_start(user=user, round="loop")
    assert "role" in caught.value.errors


def test_no_question_is_repeated_within_an_interview(user):
    interview = services.interview_start(user=user, round="behavioral", num_questions=6)
    asked = []
    while (interview := _fresh(interview)).current_version_id:
        if interview.current_parent_id is None:
            asked.append(interview.current_version.question_id)
        answer_and_grade(interview)
    assert len(asked) == 6 and len(set(asked)) == 6


def test_questions_not_seen_before_come_first(user):
    first = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    seen = first.current_version.question_id
    answer_and_grade(first)
    second = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    assert second.current_version.question_id != seen


def test_difficulty_rises_after_a_strong_answer_and_falls_after_weak_ones(user):
    interview = services.interview_start(user=user, round="ml_fundamentals", difficulty=2, num_questions=4)
    assert interview.current_version.question.difficulty == 2
    strong = answer_and_grade(interview)
    assert strong.score >= 75
    interview = _fresh(interview)
    assert interview.current_parent_id is None  # nothing important missed: no follow-up
    assert interview.current_difficulty == 3
    assert interview.current_version.question.difficulty == 3
    weak = answer_and_grade(interview, WEAK_ANSWER)
    assert weak.score < 40
    interview = _fresh(interview)
    if interview.current_parent_id:  # the follow-up does not move the difficulty
        answer_and_grade(interview, WEAK_ANSWER)
        interview = _fresh(interview)
    assert interview.current_difficulty == 2
    assert interview.current_version.question.difficulty == 2


def test_weak_skills_come_first(user):
    """Every ml_fundamentals skill answered well before, except one: the next question trains it."""
    round_questions = list(Question.objects.filter(round="ml_fundamentals", status="published").prefetch_related("skills"))
    weak_skill = "optimizers-regularization"
    assert any(weak_skill in {s.slug for s in q.skills.all()} for q in round_questions)
    past = Interview.objects.create(user=user, round="ml_fundamentals", num_questions=10, status="finished",
                                    finished_at=timezone.now())
    now = timezone.now()
    Answer.objects.bulk_create([
        Answer(interview=past, question_version=q.current_version, prompt="p", text="t", order=n,
               grading_status="graded", score=10 if weak_skill in {s.slug for s in q.skills.all()} else 90, graded_at=now)
        for n, q in enumerate(round_questions, start=1)
    ])
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    assert weak_skill in set(interview.current_version.question.skills.values_list("slug", flat=True))


def test_answer_is_saved_first_and_grading_queued_on_commit(user, django_capture_on_commit_callbacks):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = services.answer_submit(interview=interview, question=interview.current_version.question, text="An answer.")
    assert Answer.objects.filter(pk=answer.pk, grading_status="pending", text="An answer.").exists()
    assert len(callbacks) == 1  # answer_grade_task.delay(answer.pk), only once the answer is committed
    interview = _fresh(interview)
    assert interview.current_version_id is None and interview.awaiting_answer_id == answer.pk


def test_answering_another_question_is_rejected(user):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    other = Question.objects.filter(status="published").exclude(pk=interview.current_version.question_id).first()
    with pytest.raises(ApplicationError) as caught:
        services.answer_submit(interview=interview, question=other, text="x")
    assert caught.value.status_code == 400
    # While the interviewer waits for a grade there is no current question at all.
    services.answer_submit(interview=interview, question=interview.current_version.question, text="first")
    with pytest.raises(ApplicationError):
        services.answer_submit(interview=_fresh(interview), question=other, text="second")


def test_answering_a_finished_interview_conflicts(user):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    question = interview.current_version.question
    services.interview_finish(interview=interview)
    with pytest.raises(Conflict):
        services.answer_submit(interview=interview, question=question, text="late")


def test_grading_is_idempotent_unless_forced(user):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    answer = answer_and_grade(interview)
    first_graded_at = answer.graded_at
    again = services.answer_grade(answer_id=answer.pk)
    assert again.attempts == 1 and again.graded_at == first_graded_at
    forced = services.answer_grade(answer_id=answer.pk, force=True)
    assert forced.attempts == 2 and forced.grading_status == "graded"
    assert forced.graded_at == first_graded_at  # the first grade's time is kept
    assert forced.score == answer.score  # the rubric is deterministic


def test_a_missed_key_point_gets_one_follow_up_graded_on_that_point(user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=2)
    version = interview.current_version
    main = answer_and_grade(interview, _partial_answer(interview))
    interview = _fresh(interview)
    assert interview.current_parent_id == main.pk
    assert interview.current_version_id == version.pk  # same question, new prompt
    probed = interview.current_key_points
    assert len(probed) == 1
    point = next(kp for kp in version.key_points if kp["id"] == probed[0])  # by id, not by position
    heaviest = max(kp.get("weight", 1) for kp in version.key_points)
    assert point.get("weight", 1) == heaviest
    assert interview.current_prompt and interview.current_prompt != version.prompt
    if point.get("follow_up"):
        assert interview.current_prompt == point["follow_up"]  # the question written for that very point
    follow_up = answer_and_grade(interview)  # states the probed key point
    assert follow_up.parent_id == main.pk and follow_up.prompt == interview.current_prompt
    assert len(follow_up.key_points) == 1 and follow_up.key_points[0]["covered"]
    assert follow_up.key_points[0]["id"] == probed[0] and follow_up.key_points[0]["text"] == point["text"]
    interview = _fresh(interview)
    assert interview.current_parent_id is None  # at most one follow-up per question
    assert interview.current_version.question_id != version.question_id


def test_interviewer_moves_on_without_a_follow_up_when_the_grade_is_late(user):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    first = interview.current_version.question_id
    answer = services.answer_submit(interview=interview, question=interview.current_version.question, text=WEAK_ANSWER)
    assert services.interview_advance(interview_id=interview.pk).current_version_id is None  # still waiting
    Answer.objects.filter(pk=answer.pk).update(created_at=timezone.now() - timedelta(seconds=services.GRADE_WAIT_S + 1))
    interview = services.interview_advance(interview_id=interview.pk)
    assert interview.current_version_id and interview.current_parent_id is None
    assert interview.current_version.question_id != first
    # The late grade arrives: it does not change the current question.
    services.answer_grade(answer_id=answer.pk)
    assert _fresh(interview).current_version_id == interview.current_version_id


def test_report_scores_skills_links_gaps_to_topics_and_reveals_reference_answers(user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=2)
    answer_and_grade(interview)
    interview = _fresh(interview)
    while interview.current_version_id:
        answer_and_grade(interview, WEAK_ANSWER)
        interview = _fresh(interview)
    interview = services.interview_finish(interview=interview)
    report = interview.report
    assert interview.status == "finished" and interview.finished_at and interview.score == report["score"]
    assert report["complete"] and report["pending"] == 0 and report["answered"] == 2
    assert set(report["dimensions"]) == {"correctness", "depth", "communication"}
    first, second = report["questions"]
    assert first["score"] >= 75 and first["follow_up"] is None
    assert second["score"] < 40 and second["answer"]["missed"]
    assert all(q["reference_answer"] for q in report["questions"])
    assert report["strengths"] and report["gaps"]
    gap = report["gaps"][0]
    assert gap["score"] < 60 and gap["missed_key_points"]
    assert gap["topics"], "a gap links to roadmap topics that teach the skill"
    for topic in gap["topics"]:
        assert gap["slug"] in set(Topic.objects.get(pk=topic["id"]).skills.values_list("slug", flat=True))
    assert report["next_steps"]
    assert {s["slug"] for s in report["by_skill"]} >= {gap["slug"]}


def test_report_waits_for_pending_answers_and_updates_when_they_are_graded(user):
    interview = services.interview_start(user=user, round="coding", num_questions=1)
    answer = services.answer_submit(interview=interview, question=interview.current_version.question,
                                    text=strong_answer(interview))
    interview = services.interview_finish(interview=_fresh(interview))
    assert interview.report["complete"] is False and interview.report["pending"] == 1 and interview.score is None
    services.answer_grade(answer_id=answer.pk)
    interview = _fresh(interview)
    assert interview.report["complete"] is True and interview.score >= 75


def _topic_with_questions() -> Topic:
    return Topic.objects.filter(skills__questions__status="published").distinct().order_by("pk").first()


def test_passing_a_topic_check_verifies_the_topic(user):
    topic = _topic_with_questions()
    interview = services.topic_check_start(user=user, topic=topic)
    assert interview.kind == "topic_check" and interview.topic == topic and 1 <= interview.num_questions <= 2
    topic_skills = set(topic.skills.values_list("slug", flat=True))
    while (interview := _fresh(interview)).current_version_id:
        assert topic_skills & set(interview.current_version.question.skills.values_list("slug", flat=True))
        assert interview.current_parent_id is None  # no follow-ups in a topic check
        answer_and_grade(interview)
    interview = services.interview_finish(interview=interview)
    assert interview.score >= 70
    progress = TopicProgress.objects.get(user=user, topic=topic)
    assert progress.verified_at is not None and progress.status == "done"


def test_failing_a_topic_check_does_not_verify(user):
    topic = _topic_with_questions()
    TopicProgress.objects.create(user=user, topic=topic, status="in_progress")
    interview = services.topic_check_start(user=user, topic=topic)
    while (interview := _fresh(interview)).current_version_id:
        answer_and_grade(interview, WEAK_ANSWER)
    interview = services.interview_finish(interview=interview)
    assert interview.score < 70
    progress = TopicProgress.objects.get(user=user, topic=topic)
    assert progress.verified_at is None and progress.status == "in_progress"


def test_topic_without_questions_cannot_be_checked(user):
    topic = Topic.objects.exclude(skills__questions__status="published").first()
    with pytest.raises(ApplicationError):
        services.topic_check_start(user=user, topic=topic)
