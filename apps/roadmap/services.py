"""Learner actions on the roadmap: enrolling in tracks and recording progress on topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.roadmap.models import Enrollment, Topic, TopicProgress, Track

if TYPE_CHECKING:
    from apps.accounts.models import User


@transaction.atomic
def enrollment_upsert(*, user: User, track: Track, hours_per_week: int | None = None) -> Enrollment:
    hours = hours_per_week or user.hours_per_week or track.suggested_hours_per_week
    if not 1 <= hours <= 80:
        raise ApplicationError("Hours per week must be between 1 and 80.", errors={"hours_per_week": ["1–80"]})
    enrollment, created = Enrollment.objects.get_or_create(
        user=user, track=track, defaults={"hours_per_week": hours, "started_on": timezone.localdate()}
    )
    if not created and enrollment.hours_per_week != hours:
        enrollment.hours_per_week = hours
        enrollment.save(update_fields=["hours_per_week"])
    return enrollment


@transaction.atomic
def enrollment_delete(*, user: User, track: Track) -> None:
    """Leave a track. Topic progress is kept: it still counts for the skills everywhere."""
    Enrollment.objects.filter(user=user, track=track).delete()


@transaction.atomic
def topic_progress_set(
    *, user: User, topic: Topic, status: str | None = None, confidence: int | None = None,
    notes: str | None = None, clear_confidence: bool = False,
) -> TopicProgress:
    progress, _ = TopicProgress.objects.select_for_update().get_or_create(user=user, topic=topic)
    now = timezone.now()
    fields: set[str] = {"updated_at"}
    if status is not None and status != progress.status:
        if status not in TopicProgress.Status.values:
            raise ApplicationError("Unknown status.", errors={"status": [f"One of {', '.join(TopicProgress.Status.values)}."]})
        progress.status = status
        fields.add("status")
        if status in (TopicProgress.Status.IN_PROGRESS, TopicProgress.Status.DONE) and progress.started_at is None:
            progress.started_at = now
            fields.add("started_at")
        progress.completed_at = now if status == TopicProgress.Status.DONE else None
        fields.add("completed_at")
        if status == TopicProgress.Status.NOT_STARTED:
            progress.started_at = None
            fields.add("started_at")
    if confidence is not None or clear_confidence:
        progress.confidence = confidence
        fields.add("confidence")
    if notes is not None:
        progress.notes = notes
        fields.add("notes")
    progress.full_clean()
    progress.save(update_fields=sorted(fields))
    if user.enrollments.filter(track_id=topic.stage.track_id).count() == 0 and progress.status != TopicProgress.Status.NOT_STARTED:
        # Working on a topic enrols the learner in its track, so the schedule can follow it.
        enrollment_upsert(user=user, track=topic.stage.track)
    return progress
