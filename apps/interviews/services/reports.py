"""Storing an interview's report (built by `selectors.interview_report_build`) and verifying the topic
a passed topic check covers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.interviews.models import Interview
from apps.interviews.policy import TOPIC_CHECK_PASS_SCORE
from apps.interviews.selectors import interview_report_build
from apps.roadmap.models import TopicProgress


@transaction.atomic
def interview_report_refresh(*, interview: Interview) -> Interview:
    """Rebuild and store the report of a finished interview; verify a passed topic check."""
    report = interview_report_build(interview=interview)
    interview.report = report
    interview.score = report["score"]
    interview.save(update_fields=["report", "score"])
    if (interview.kind == Interview.Kind.TOPIC_CHECK and interview.topic_id and report["complete"]
            and report["score"] is not None and report["score"] >= TOPIC_CHECK_PASS_SCORE):
        _topic_verify(user_id=interview.user_id, topic_id=interview.topic_id)
    return interview


def _topic_verify(*, user_id: int, topic_id: int) -> TopicProgress:
    now = timezone.now()
    progress, _ = TopicProgress.objects.select_for_update().get_or_create(
        user_id=user_id, topic_id=topic_id,
        defaults={"status": TopicProgress.Status.DONE, "started_at": now, "completed_at": now},
    )
    fields = []
    if progress.status != TopicProgress.Status.DONE:
        # Passing the check shows the topic is learned.
        progress.status, progress.completed_at = TopicProgress.Status.DONE, now
        progress.started_at = progress.started_at or now
        fields += ["status", "completed_at", "started_at"]
    if progress.verified_at is None:
        progress.verified_at = now
        fields.append("verified_at")
    if fields:
        progress.save(update_fields=[*fields, "updated_at"])
    return progress
