"""Grading an answer: the instant rubric grade (status `graded`, or `provisional` while an LLM judge is
configured), then the judge's second opinion; re-queueing lost and provisional work."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core.metrics import GRADING_SECONDS, llm_error_kind, llm_errors_counted, timed
from apps.interviews.models import Answer, Interview
from apps.interviews.policy import MAX_GRADE_ATTEMPTS, MAX_REFINE_ATTEMPTS, SCORED, STUCK_AFTER_MINUTES
from apps.interviews.services.lifecycle import interview_advance
from apps.interviews.services.questions import _spec_for_answer
from apps.interviews.services.reports import interview_report_refresh
from ml.llm import llm_configured

if TYPE_CHECKING:
    from ml.grading.types import Grade

logger = logging.getLogger(__name__)


def _store_grade(answer: Answer, grade: Grade) -> None:
    answer.score = grade.score
    answer.dimensions = dict(grade.dimensions)
    answer.key_points = [kp.to_dict() for kp in grade.key_points]
    answer.feedback = grade.feedback
    answer.grader = grade.grader
    answer.grade = grade.to_dict()
    answer.injection_suspected = grade.injection_suspected
    answer.flags = list(grade.flags)


_GRADE_FIELDS = ["score", "dimensions", "key_points", "feedback", "grader", "grade", "injection_suspected", "flags"]


def answer_grade(*, answer_id: int, force: bool = False) -> Answer | None:
    """The instant rubric grade. Idempotent: a graded (or provisional) answer is left alone unless `force`.

    Three short transactions: claim (status `grading`, attempts + 1), grade outside any transaction
    (it may load the encoder), store. A worker killed in between leaves the answer `grading`; the
    message is redelivered (acks_late) or `answers_requeue_stuck` queues it again, and the claim
    step lets exactly one run store a grade.
    """
    with transaction.atomic():
        answer = Answer.objects.select_for_update().filter(pk=answer_id).first()
        if answer is None:
            logger.info("answer to grade is gone", extra={"answer": answer_id})
            return None  # deleted with its interview: nothing to retry
        if answer.grading_status in SCORED and not force:
            return answer
        answer.grading_status = Answer.GradingStatus.GRADING
        answer.attempts += 1
        answer.grading_started_at = timezone.now()
        answer.save(update_fields=["grading_status", "attempts", "grading_started_at"])
    try:
        with timed(GRADING_SECONDS, grader="rubric"):
            grade = _rubric_grade(answer)
    except Exception as exc:
        _grading_failed(answer_id, exc)
        raise
    return _grade_store(answer_id, grade, force=force)


def _rubric_grade(answer: Answer) -> Grade:
    from ml.grading import rubric

    answer = Answer.objects.select_related("question_version__question").get(pk=answer.pk)
    return rubric.grade_with_rubric(_spec_for_answer(answer), answer.text)


@transaction.atomic
def _grade_store(answer_id: int, grade: Grade, *, force: bool) -> Answer:
    from apps.interviews import tasks

    answer = Answer.objects.select_for_update().get(pk=answer_id)
    if answer.grading_status in SCORED and not force:
        return answer  # another delivery of the same task got here first
    _store_grade(answer, grade)
    answer.rubric_grade = grade.to_dict()
    now = timezone.now()
    answer.graded_at = answer.graded_at or now
    answer.refined_at = None
    answer.error_kind, answer.error_message = Answer.ErrorKind.NONE, ""
    refine = llm_configured()
    answer.grading_status = Answer.GradingStatus.PROVISIONAL if refine else Answer.GradingStatus.GRADED
    answer.save(update_fields=[*_GRADE_FIELDS, "rubric_grade", "graded_at", "refined_at", "error_kind",
                               "error_message", "grading_status"])
    _after_grade(answer)
    if refine:
        transaction.on_commit(lambda: tasks.answer_refine_task.delay(answer_id))
    return answer


@transaction.atomic
def _grading_failed(answer_id: int, exc: Exception) -> None:
    """Record why grading failed; back to pending for a retry, or failed after MAX_GRADE_ATTEMPTS."""
    answer = Answer.objects.select_for_update().get(pk=answer_id)
    if answer.grading_status in SCORED:
        return
    answer.error_kind = Answer.ErrorKind.INTERNAL
    answer.error_message = f"{type(exc).__name__}: {exc}"[:500]
    gave_up = answer.attempts >= MAX_GRADE_ATTEMPTS
    answer.grading_status = Answer.GradingStatus.FAILED if gave_up else Answer.GradingStatus.PENDING
    answer.save(update_fields=["error_kind", "error_message", "grading_status"])
    if gave_up:
        _after_grade(answer)


def _after_grade(answer: Answer) -> None:
    """A grade (or a final failure) is in: let the interviewer go on, refresh a finished report."""
    from apps.interviews.review import review_items_from_answer

    review_items_from_answer(answer_id=answer.pk)  # missed key points join the review queue
    interview = Interview.objects.get(pk=answer.interview_id)
    if interview.awaiting_answer_id == answer.pk:
        interview_advance(interview_id=interview.pk)
    elif interview.status == Interview.Status.FINISHED:
        interview_report_refresh(interview=interview)


def _error_kind(exc: Exception) -> str:
    return Answer.ErrorKind(llm_error_kind(exc))


def answer_refine(*, answer_id: int) -> Answer | None:
    """The LLM judge's second opinion, combined with the rubric grade; status `graded`.

    On an LLM error the rubric grade stands (still `provisional`), the error kind is stored and the
    error is raised again so the task can retry with backoff.
    """
    from ml.grading.combine import combine
    from ml.grading.judge import judge_answer
    from ml.grading.types import Grade
    from ml.llm import get_llm
    from ml.llm.base import LLMError

    answer = Answer.objects.select_related("question_version__question").filter(pk=answer_id).first()
    if answer is None or answer.grading_status != Answer.GradingStatus.PROVISIONAL:
        return answer
    llm = get_llm()
    if llm is None:
        return answer  # the LLM was switched off: the rubric grade stays provisional until it is back
    rubric_grade = Grade.from_dict(answer.rubric_grade or answer.grade)
    Answer.objects.filter(pk=answer_id).update(refine_attempts=F("refine_attempts") + 1)
    try:
        with timed(GRADING_SECONDS, grader="llm_judge"), llm_errors_counted("judge"):
            judged = judge_answer(_spec_for_answer(answer), answer.text, llm=llm, rubric_grade=rubric_grade)
        grade = combine(rubric_grade, judged)
    except LLMError as exc:
        Answer.objects.filter(pk=answer_id, grading_status=Answer.GradingStatus.PROVISIONAL).update(
            error_kind=_error_kind(exc), error_message=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    with transaction.atomic():
        answer = Answer.objects.select_for_update().get(pk=answer_id)
        if answer.grading_status != Answer.GradingStatus.PROVISIONAL:
            return answer
        _store_grade(answer, grade)
        answer.grading_status = Answer.GradingStatus.GRADED
        answer.refined_at = timezone.now()
        answer.error_kind, answer.error_message = Answer.ErrorKind.NONE, ""
        answer.save(update_fields=[*_GRADE_FIELDS, "grading_status", "refined_at", "error_kind", "error_message"])
        interview = Interview.objects.get(pk=answer.interview_id)
        if interview.status == Interview.Status.FINISHED:
            interview_report_refresh(interview=interview)
    return answer


def answers_refine_provisional(*, limit: int = 200) -> int:
    """Queue the judge for provisional answers when the LLM answers its health probe. Returns how many."""
    from apps.interviews import tasks
    from ml.llm import get_llm

    llm = get_llm()
    if llm is None:
        return 0
    try:
        health = llm.health()
    except Exception as exc:
        health = f"error: {exc}"
    if health != "ok":
        logger.info("LLM not healthy, provisional grades wait", extra={"health": health})
        return 0
    ids = list(
        Answer.objects.filter(grading_status=Answer.GradingStatus.PROVISIONAL, refine_attempts__lt=MAX_REFINE_ATTEMPTS)
        .order_by("graded_at").values_list("pk", flat=True)[:limit]
    )
    for answer_id in ids:
        tasks.answer_refine_task.delay(answer_id)
    return len(ids)


def answers_requeue_stuck(*, older_than_minutes: int | None = None) -> int:
    """Queue grading again for answers pending or grading for too long (a lost message, a killed worker)."""
    from apps.interviews import tasks

    minutes = STUCK_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    cutoff = timezone.now() - timedelta(minutes=minutes)
    stuck = Answer.objects.filter(
        Q(grading_status=Answer.GradingStatus.PENDING, created_at__lte=cutoff, grading_started_at__isnull=True)
        | Q(grading_status=Answer.GradingStatus.PENDING, grading_started_at__lte=cutoff)
        | Q(grading_status=Answer.GradingStatus.GRADING, grading_started_at__lte=cutoff)
    )
    ids = list(stuck.values_list("pk", flat=True)[:500])
    for answer_id in ids:
        tasks.answer_grade_task.delay(answer_id)
    return len(ids)
