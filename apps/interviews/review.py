"""The review queue: key points a learner missed come back as short prompts on a spaced schedule.

A miss schedules the key point 1 day later; each correct review moves it up the schedule (the next
review 3, then 7, then 14 days after that one) and a correct answer at the 14-day step retires it
("learned"); a miss starts it over at 1 day. Attempts are graded in Celery by the same rubric path
as a follow-up answer: the question's rubric narrowed to the one key point.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.interviews.models import Answer, ReviewAttempt, ReviewItem

if TYPE_CHECKING:
    from apps.accounts.models import User
    from ml.grading.types import Grade, QuestionSpec

logger = logging.getLogger(__name__)

INTERVALS_DAYS: tuple[int, ...] = (1, 3, 7, 14)
MAX_ATTEMPT_CHARS = 5000
MAX_GRADE_ATTEMPTS = 5
SCORED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL)


def review_today() -> dt.date:
    """The learner's day. `REVIEW_DATE_OVERRIDE` (an ISO date; tests and demos only) moves it."""
    override = getattr(settings, "REVIEW_DATE_OVERRIDE", None)
    if override:
        return dt.date.fromisoformat(str(override))
    return timezone.localdate()


def _point_id(result: dict) -> str:
    return str(result.get("id") or f"k{int(result.get('index', 0)) + 1}")


# --- Scheduling misses ----------------------------------------------------------------------------


@transaction.atomic
def review_items_from_answer(*, answer_id: int) -> int:
    """Schedule every key point the graded answer missed (a follow-up: the points it probed).

    Idempotent: an item already scheduled for the point is restarted only by a newer miss.
    Returns how many items were created or restarted.
    """
    answer = Answer.objects.select_related("interview", "question_version").filter(pk=answer_id).first()
    if answer is None or answer.grading_status not in SCORED:
        return 0
    missed = [_point_id(kp) for kp in answer.key_points if not kp.get("covered")]
    if not missed:
        return 0
    user_id, question_id = answer.interview.user_id, answer.question_version.question_id
    day = review_today()
    existing = {
        item.key_point_id: item
        for item in ReviewItem.objects.select_for_update().filter(
            user_id=user_id, question_id=question_id, key_point_id__in=missed
        )
    }
    changed = 0
    for point in missed:
        item = existing.get(point)
        if item is None:
            ReviewItem.objects.create(
                user_id=user_id, question_id=question_id, question_version=answer.question_version, key_point_id=point,
                source_answer=answer, step=0, due_on=day + dt.timedelta(days=INTERVALS_DAYS[0]), missed_on=day,
            )
            changed += 1
        elif item.source_answer_id != answer.pk and (item.missed_on < day or item.status == ReviewItem.Status.LEARNED):
            item.question_version, item.source_answer = answer.question_version, answer
            item.step, item.status, item.missed_on = 0, ReviewItem.Status.ACTIVE, day
            item.due_on = day + dt.timedelta(days=INTERVALS_DAYS[0])
            item.save(update_fields=["question_version", "source_answer", "step", "status", "missed_on", "due_on"])
            changed += 1
    return changed


# --- Answering a review prompt ------------------------------------------------------------------


@transaction.atomic
def review_attempt_submit(*, user: User, item_id: int, text: str) -> ReviewAttempt:
    """Save the learner's answer to a due review prompt and queue its grading (after commit)."""
    from apps.interviews import tasks

    item = ReviewItem.objects.select_for_update().filter(pk=item_id, user=user).first()
    if item is None:
        raise NotFound("Review item not found.")
    today = review_today()
    if item.status != ReviewItem.Status.ACTIVE or item.due_on > today:
        raise Conflict(f"This point is not due yet: it comes back on {item.due_on:%-d %B}.")
    if item.attempts.filter(grading_status__in=[Answer.GradingStatus.PENDING, Answer.GradingStatus.GRADING]).exists():
        raise Conflict("Your previous answer to this point is still being graded.")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write an answer first.", errors={"text": ["This field may not be blank."]})
    if len(text) > MAX_ATTEMPT_CHARS:
        raise ApplicationError(f"Keep it under {MAX_ATTEMPT_CHARS} characters.",
                               errors={"text": [f"At most {MAX_ATTEMPT_CHARS} characters."]})
    attempt = ReviewAttempt.objects.create(item=item, text=text, answered_on=today)
    attempt_id = attempt.pk
    transaction.on_commit(lambda: tasks.review_attempt_grade_task.delay(attempt_id), robust=True)
    return attempt


def review_spec_for(item: ReviewItem) -> QuestionSpec:
    """The question's rubric narrowed to the reviewed key point, asked with that point's prompt
    (the same narrowing as a follow-up answer's grade)."""
    from apps.questionbank.services import question_spec_for

    spec = question_spec_for(item.question_version)
    point = spec.key_point(item.key_point_id)
    if point is None:
        return spec
    return replace(spec, prompt=review_prompt(item, spec=spec), key_points=(point,))


def review_prompt(item: ReviewItem, *, spec: QuestionSpec | None = None) -> str:
    """What the learner is asked: the key point's own follow-up question, else a recall prompt."""
    from ml.grading.types import KeyPoint

    points = item.question_version.key_points
    data = next((kp for i, kp in enumerate(points) if KeyPoint.from_data(kp, i).id == item.key_point_id), None)
    if data is not None:
        follow_up = KeyPoint.from_data(data, points.index(data)).follow_up
        if follow_up:
            return follow_up
    return f"Recall the point you missed on this question: {item.question_version.prompt}"


def review_attempt_grade(*, attempt_id: int) -> ReviewAttempt | None:
    """Grade a review attempt with the rubric and move its item on the schedule. Idempotent."""
    from ml.grading import rubric

    with transaction.atomic():
        attempt = ReviewAttempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt is None or attempt.is_settled:
            return attempt
        attempt.grading_status = Answer.GradingStatus.GRADING
        attempt.attempts += 1
        attempt.save(update_fields=["grading_status", "attempts"])
    item = ReviewItem.objects.select_related("question_version__question").get(pk=attempt.item_id)
    try:
        grade = rubric.grade_with_rubric(review_spec_for(item), attempt.text)
    except Exception as exc:
        _attempt_failed(attempt_id, exc)
        raise
    return _attempt_store(attempt_id, grade)


@transaction.atomic
def _attempt_store(attempt_id: int, grade: Grade) -> ReviewAttempt:
    attempt = ReviewAttempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.is_settled:
        return attempt
    item = ReviewItem.objects.select_for_update().get(pk=attempt.item_id)
    result = next((kp for kp in grade.key_points if kp.id == item.key_point_id), None) or (
        grade.key_points[0] if grade.key_points else None
    )
    covered = bool(result and result.covered)
    attempt.covered, attempt.score = covered, grade.score
    attempt.evidence = (result.evidence or "") if result else ""
    attempt.feedback, attempt.grade = grade.feedback, grade.to_dict()
    attempt.grading_status, attempt.graded_at = Answer.GradingStatus.GRADED, timezone.now()
    day = attempt.answered_on
    if covered and item.step + 1 >= len(INTERVALS_DAYS):
        item.status, attempt.next_due_on = ReviewItem.Status.LEARNED, None
    else:
        if covered:
            item.step += 1
        else:
            item.step, item.missed_on = 0, day
        item.due_on = attempt.next_due_on = day + dt.timedelta(days=INTERVALS_DAYS[item.step])
    item.last_reviewed_on = day
    item.save(update_fields=["step", "status", "due_on", "missed_on", "last_reviewed_on"])
    attempt.save(update_fields=["covered", "score", "evidence", "feedback", "grade", "grading_status", "graded_at",
                                "next_due_on"])
    return attempt


@transaction.atomic
def _attempt_failed(attempt_id: int, exc: Exception) -> None:
    attempt = ReviewAttempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.is_settled:
        return
    gave_up = attempt.attempts >= MAX_GRADE_ATTEMPTS
    attempt.grading_status = Answer.GradingStatus.FAILED if gave_up else Answer.GradingStatus.PENDING
    attempt.feedback = "We could not grade this answer; it does not count against you." if gave_up else ""
    attempt.save(update_fields=["grading_status", "feedback"])
    logger.warning("review attempt %s failed to grade: %s", attempt_id, exc)


# --- Reads ----------------------------------------------------------------------------------------


def review_due_for(*, user: User, today: dt.date | None = None) -> QuerySet[ReviewItem]:
    """The learner's items due today or earlier, oldest due first, with their question (one query)."""
    today = today or review_today()
    return (
        ReviewItem.objects.filter(user=user, status=ReviewItem.Status.ACTIVE, due_on__lte=today)
        .select_related("question_version__question")
        .order_by("due_on", "id")
    )


def review_upcoming_for(*, user: User, today: dt.date | None = None) -> QuerySet[ReviewItem]:
    today = today or review_today()
    return (
        ReviewItem.objects.filter(user=user, status=ReviewItem.Status.ACTIVE, due_on__gt=today)
        .select_related("question_version__question")
        .order_by("due_on", "id")
    )


def review_due_count(*, user: User) -> int:
    """How many review prompts are due today (the dashboard's count)."""
    return ReviewItem.objects.filter(user=user, status=ReviewItem.Status.ACTIVE, due_on__lte=review_today()).count()


def review_item_get_for(*, user: User, item_id: int) -> ReviewItem:
    item = ReviewItem.objects.filter(pk=item_id, user=user).select_related("question_version__question").first()
    if item is None:
        raise NotFound("Review item not found.")
    return item


def review_attempt_get_for(*, user: User, attempt_id: int) -> ReviewAttempt:
    attempt = (
        ReviewAttempt.objects.filter(pk=attempt_id, item__user=user)
        .select_related("item__question_version__question")
        .first()
    )
    if attempt is None:
        raise NotFound("Review answer not found.")
    return attempt


def review_recent_for(*, user: User, limit: int = 10) -> list[ReviewAttempt]:
    """The learner's latest review answers with their item (one query)."""
    return list(
        ReviewAttempt.objects.filter(item__user=user)
        .select_related("item__question_version__question")
        .order_by("-created_at", "-id")[:limit]
    )
