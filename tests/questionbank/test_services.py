import pytest

from apps.core.exceptions import ApplicationError
from apps.questionbank import selectors, services
from apps.questionbank.models import Question, QuestionVersion
from tests.questionbank.conftest import make_answer, make_question

pytestmark = pytest.mark.django_db


def test_editing_the_rubric_makes_a_new_version_and_keeps_the_old_one(staff_user, user):
    question = make_question(user=staff_user)
    v1 = question.current_version
    answer = make_answer(v1, user, score=70)
    snapshot = (v1.prompt, v1.key_points, v1.reference_answer)

    services.question_update(question=question, user=staff_user,
                             key_points=[*v1.key_points, {"text": "Re-check duplicates when tickets are edited", "weight": 1}])

    question.refresh_from_db()
    assert question.current_version.number == 2 and question.current_version_id != v1.pk
    assert question.current_version.created_by == staff_user
    v1.refresh_from_db()
    assert (v1.prompt, v1.key_points, v1.reference_answer) == snapshot
    answer.refresh_from_db()
    assert answer.question_version_id == v1.pk
    assert list(question.versions.values_list("number", flat=True)) == [2, 1]


def test_round_difficulty_skills_and_status_change_in_place(staff_user):
    question = make_question(user=staff_user)
    services.question_update(question=question, user=staff_user, round="ml_fundamentals", difficulty=3,
                             skills=["rag", "vector-databases"], status="retired")
    question.refresh_from_db()
    assert (question.round, question.difficulty, question.status) == ("ml_fundamentals", 3, "retired")
    assert sorted(question.skills.values_list("slug", flat=True)) == ["rag", "vector-databases"]
    assert question.versions.count() == 1


def test_an_edit_that_changes_nothing_makes_no_version(staff_user):
    question = make_question(user=staff_user)
    version = question.current_version
    services.question_update(question=question, user=staff_user, prompt=version.prompt,
                             key_points=version.key_points, difficulty=question.difficulty)
    assert question.versions.count() == 1


def test_a_new_prompt_clears_the_vector_and_queues_re_embedding(staff_user, django_capture_on_commit_callbacks):
    question = make_question(user=staff_user)
    services.question_embedding_refresh(question_id=question.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        services.question_update(question=question, user=staff_user, prompt="How would you find duplicate tickets?")
    question.refresh_from_db()
    assert question.embedding is None
    assert len(callbacks) == 1
    services.question_embedding_refresh(question_id=question.pk)  # what the "documents" worker runs
    question.refresh_from_db()
    assert question.embedding is not None and len(question.embedding) == 384


def test_a_reference_answer_edit_keeps_the_vector(staff_user, django_capture_on_commit_callbacks):
    question = make_question(user=staff_user)
    services.question_embedding_refresh(question_id=question.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        services.question_update(question=question, user=staff_user, reference_answer="A new model answer.")
    question.refresh_from_db()
    assert question.embedding is not None and callbacks == []


def test_create_rejects_bad_fields_with_messages_per_field(staff_user):
    with pytest.raises(ApplicationError) as error:
        make_question(user=staff_user, skills=["no-such-skill"], key_points=[{"text": "x", "weight": 7}], round="chess")
    assert set(error.value.errors) == {"skills", "key_points", "round"}
    assert "no-such-skill" in error.value.errors["skills"][0]
    assert "1 to 3" in error.value.errors["key_points"][0]
    assert not Question.objects.filter(current_version__prompt__startswith="Describe how you would dedup").exists()


def test_create_derives_a_unique_key_from_the_prompt(staff_user):
    first = make_question(user=staff_user)
    second = make_question(user=staff_user, prompt=first.current_version.prompt + " Second take.")
    assert first.key.startswith("describe-how-you-would-deduplicate")
    assert second.key != first.key


def test_set_status_publishes_and_retires_in_bulk(staff_user, draft_question):
    other = make_question(user=staff_user, status="draft", prompt="Another draft about caching LLM responses.")
    assert services.question_set_status(question_ids=[draft_question.pk, other.pk], status="published", user=staff_user) == 2
    assert services.question_set_status(question_ids=[draft_question.pk, other.pk], status="published", user=staff_user) == 0
    assert set(Question.objects.filter(pk__in=[draft_question.pk, other.pk]).values_list("status", flat=True)) == {"published"}
    with pytest.raises(ApplicationError):
        services.question_set_status(question_ids=[other.pk], status="gone", user=staff_user)


def test_deleting_an_unanswered_question_removes_it_and_its_versions(staff_user):
    question = make_question(user=staff_user)
    services.question_update(question=question, user=staff_user, prompt="A second version of the prompt text.")
    assert services.question_delete(question=question, user=staff_user) == "deleted"
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not QuestionVersion.objects.filter(question_id=question.pk).exists()


def test_deleting_an_answered_question_retires_it(staff_user, user):
    question = make_question(user=staff_user)
    make_answer(question.current_version, user, score=40)
    services.question_update(question=question, user=staff_user, prompt="A newer prompt nobody has answered.")
    assert services.question_delete(question=question, user=staff_user) == "retired"
    question.refresh_from_db()
    assert question.status == "retired" and question.versions.count() == 2


def test_question_spec_for_gives_the_grader_plain_types(bank_question):
    spec = services.question_spec_for(bank_question.current_version)
    assert spec.prompt == bank_question.current_version.prompt
    assert spec.round == "ml_fundamentals"
    assert [kp.text for kp in spec.key_points] == [kp["text"] for kp in bank_question.current_version.key_points]
    assert all(isinstance(kp.weight, float) for kp in spec.key_points)
    assert any(kp.follow_up for kp in spec.key_points) and spec.reference_answer
    assert [kp.id for kp in spec.key_points] == [kp["id"] for kp in bank_question.current_version.key_points]


def test_the_playground_grades_without_storing_anything(bank_question):
    from apps.interviews.models import Answer

    good = ("High bias means underfitting: training and validation error are both high. High variance means "
            "overfitting: training error is low but validation error is much higher. Bias comes from overly simple "
            "assumptions; variance from sensitivity to the training sample.")
    grade = services.question_try(question=bank_question, text=good)
    weak = services.question_try(question=bank_question, text="I would try a different model and see.")
    assert grade.score > weak.score
    assert any(kp.covered and kp.evidence for kp in grade.key_points)
    assert Answer.objects.count() == 0
    with pytest.raises(ApplicationError):
        services.question_try(question=bank_question, text="   ")


def test_stats_are_empty_without_answers(bank_question, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats = selectors.question_stats(question_ids=[bank_question.pk])
    assert stats[bank_question.pk] == selectors.QuestionStats()
    assert stats[bank_question.pk].flagged_share is None


def test_stats_aggregate_answers_of_every_version_in_one_query(staff_user, user, other_user, django_assert_num_queries):
    question = make_question(user=staff_user)
    untouched = make_question(user=staff_user, prompt="A question that nobody answered at all.")
    first = make_answer(question.current_version, user, score=60, flags=["too_short"])
    make_answer(question.current_version, other_user, score=80)
    services.question_update(question=question, user=staff_user, prompt="The second version of the prompt.")
    question.refresh_from_db()
    make_answer(question.current_version, user, score=None, injection=True)
    make_answer(question.current_version, user, score=10, parent=first, order=5)  # a follow-up is not "asked"

    with django_assert_num_queries(1):
        stats = selectors.question_stats(question_ids=[question.pk, untouched.pk])
    row = stats[question.pk]
    assert (row.times_asked, row.scored, row.mean_score, row.score_spread, row.flagged) == (3, 2, 70.0, 10.0, 2)
    assert row.flagged_share == pytest.approx(2 / 3)
    assert stats[untouched.pk].times_asked == 0
