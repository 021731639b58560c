"""An interview's life: start (a mock, a loop, a resume interview, a topic check), answer, advance to a
follow-up or the next question once the grade is in, finish.

Grading never runs in a web request: `answer_submit` saves the answer and queues
`answer_grade_task` on commit. The interviewer waits for that grade before it decides what comes
next, so it can follow up on a missed key point.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apps.careers.models import Company, InterviewRound, JobRole
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.interviews.models import LOOP, Answer, Interview, ProjectQuestionStatus
from apps.interviews.policy import GRADE_WAIT_S, SCORED, TOPIC_CHECK_QUESTIONS
from apps.interviews.services.questions import (
    _ADVANCE_FIELDS,
    _ask,
    _candidate_questions,
    _clear_current,
    _next_question,
    _plan_rounds,
    _spec_for,
    _topic_round,
)
from apps.interviews.services.reports import interview_report_refresh
from apps.questionbank.models import Question
from apps.roadmap.models import Topic
from ml.llm import llm_configured

if TYPE_CHECKING:
    from apps.accounts.models import User


@transaction.atomic
def interview_start(
    *, user: User, round: str, role: JobRole | None = None, company: Company | None = None,
    difficulty: int = 2, num_questions: int = 5, kind: str = Interview.Kind.MOCK, topic: Topic | None = None,
    resume: Any = None, focus_skills: list[str] | None = None,
) -> Interview:
    """Start an interview and choose its first question (weak skills first, difficulty adapting)."""
    if round != LOOP and round not in InterviewRound.values:
        raise ApplicationError("Unknown round.", errors={"round": [f"One of {', '.join([*InterviewRound.values, LOOP])}."]})
    if round == LOOP and role is None:
        role = user.target_role
    focus: list[str] = []
    if resume is not None:
        from apps.resumes.selectors import resume_interview_skills

        if resume.user_id != user.pk:  # never reveal another learner's resume exists
            raise NotFound("Resume not found.")
        kind = Interview.Kind.RESUME
        focus = focus_skills if focus_skills is not None else resume_interview_skills(resume, role)
    interview = Interview(
        user=user, kind=kind, round=round, role=role, company=company, topic=topic, resume=resume, focus_skills=focus,
        difficulty=difficulty, current_difficulty=difficulty, num_questions=num_questions,
    )
    interview.rounds = _plan_rounds(round=round, role=role, num_questions=num_questions) if kind != Interview.Kind.TOPIC_CHECK else []
    if resume is not None and llm_configured() and num_questions >= 2:
        interview.project_question_status = ProjectQuestionStatus.PENDING
    interview.full_clean()
    interview.save()
    if interview.project_question_status == ProjectQuestionStatus.PENDING:
        from apps.interviews import tasks

        transaction.on_commit(lambda: tasks.interview_project_question_task.delay(interview.pk))
    version = _next_question(interview=interview, asked=set(), last_score=None)
    if version is None:
        raise ApplicationError(
            "There are no published questions for this choice yet.", errors={"round": ["No questions available."]}
        )
    _ask(interview, version)
    interview.save(update_fields=["current_version", "current_parent", "current_prompt", "current_key_points",
                                  "current_difficulty"])
    return interview


@transaction.atomic
def topic_check_start(*, user: User, topic: Topic) -> Interview:
    """A short interview (1-2 questions) on the topic's skills; passing it verifies the topic."""
    skill_ids = list(topic.skills.values_list("id", flat=True))
    available = _candidate_questions(skill_ids=skill_ids, rounds=None).count()
    if not available:
        raise ApplicationError("There are no questions on this topic's skills yet.", errors={"topic": ["No questions."]})
    return interview_start(
        user=user, round=_topic_round(skill_ids), kind=Interview.Kind.TOPIC_CHECK, topic=topic,
        difficulty=2, num_questions=min(TOPIC_CHECK_QUESTIONS, available),
    )


@transaction.atomic
def interview_advance(*, interview_id: int) -> Interview:
    """Decide what the learner is asked next, once the previous answer's grade is in.

    A follow-up on the most important missed key point when the instant grade shows one (at most
    one per question), else the next question at an adapted difficulty. If the grade is late
    (worker busy or down) the interview moves on without a follow-up after GRADE_WAIT_S.
    Idempotent: does nothing while a question is current or the grade is still expected.
    """
    interview = Interview.objects.select_for_update().get(pk=interview_id)
    if not interview.is_active or interview.current_version_id is not None:
        return interview
    answers = list(interview.answers.select_related("question_version__question").order_by("order"))
    awaited = next((a for a in answers if a.pk == interview.awaiting_answer_id), None)
    waited = timezone.now() - timedelta(seconds=GRADE_WAIT_S)
    if awaited is not None and not awaited.is_settled and awaited.created_at > waited:
        return interview
    if awaited is not None and awaited.parent_id is None and awaited.grading_status in SCORED:
        follow_up = _follow_up_for(interview, awaited, answers)
        if follow_up is not None:
            prompt, key_points = follow_up
            _ask(interview, awaited.question_version, parent=awaited, prompt=prompt, key_points=key_points)
            interview.awaiting_answer = None
            interview.save(update_fields=_ADVANCE_FIELDS)
            return interview
    mains = [a for a in answers if a.parent_id is None]
    last = mains[-1] if mains else None
    last_score = last.score if last is not None and last.grading_status in SCORED else None
    asked = {a.question_version.question_id for a in mains}
    version = _next_question(interview=interview, asked=asked, last_score=last_score)
    if version is not None:
        _ask(interview, version)
    else:
        _clear_current(interview)
    interview.awaiting_answer = None
    interview.save(update_fields=_ADVANCE_FIELDS)
    return interview


def _follow_up_for(interview: Interview, answer: Answer, answers: list[Answer]) -> tuple[str, list[str]] | None:
    """The follow-up prompt and the id of the key point it probes, or None (nothing important missed).
    The prompt is that key point's own follow-up, so the answer is graded on what was asked."""
    if interview.kind == Interview.Kind.TOPIC_CHECK:
        return None  # a topic check is a short test, not a conversation
    if any(a.parent_id == answer.pk for a in answers):
        return None
    from ml.grading.types import Grade
    from ml.interviewer import most_important_miss, write_follow_up

    spec, grade = _spec_for(answer.question_version), Grade.from_dict(answer.grade)
    missed = most_important_miss(spec, grade)
    # No LLM here: this runs on the grading queue, and a template follow-up is instant.
    prompt = write_follow_up(spec, grade, llm=None) if missed is not None else None
    if missed is None or not prompt:
        return None
    return prompt, [missed.id or spec.key_points[missed.index].id]


@transaction.atomic
def answer_submit(*, interview: Interview, question: Question, text: str) -> Answer:
    """Save the learner's answer to the current question and queue its grading (after commit)."""
    from apps.interviews import tasks

    interview = Interview.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=interview.pk)
    if interview.status == Interview.Status.FINISHED:
        raise Conflict("This interview is finished.")
    current = interview.current_version
    if current is None or current.question_id != question.pk:
        raise ApplicationError(
            "That is not the current question of this interview.",
            errors={"question": ["Answer the current question."]},
        )
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write an answer first.", errors={"text": ["This field may not be blank."]})
    answer = Answer(
        interview=interview, question_version=current, parent=interview.current_parent,
        prompt=interview.current_prompt or current.prompt, follow_up_key_points=interview.current_key_points,
        text=text, order=interview.answers.count() + 1,
    )
    answer.full_clean()
    answer.save()
    _clear_current(interview)
    interview.awaiting_answer = answer
    interview.save(update_fields=_ADVANCE_FIELDS)
    if answer.parent_id is not None:
        # The follow-up's grade changes nothing about what comes next: move on now.
        interview_advance(interview_id=interview.pk)
    answer_id = answer.pk
    # robust: with the broker down the answer is saved all the same (202); answers_requeue_stuck
    # (beat) queues its grading once Redis is back, so no answer is lost.
    transaction.on_commit(lambda: tasks.answer_grade_task.delay(answer_id), robust=True)
    return answer


@transaction.atomic
def interview_finish(*, interview: Interview) -> Interview:
    """Finish the interview and build its report; grades still arriving update it later."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status == Interview.Status.ACTIVE:
        interview.status = Interview.Status.FINISHED
        interview.finished_at = timezone.now()
        _clear_current(interview)
        interview.awaiting_answer = None
        interview.save(update_fields=["status", "finished_at", *_ADVANCE_FIELDS])
    return interview_report_refresh(interview=interview)
