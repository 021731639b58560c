"""Readiness: daily snapshots for the charts, and the state readiness is computed from on each request."""

import uuid

from django.conf import settings
from django.db import models


class ReadinessSnapshot(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_snapshots")
    role = models.ForeignKey("careers.JobRole", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    score = models.PositiveSmallIntegerField()
    components = models.JSONField(default=dict)
    interview_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["user", "role", "date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "date"], name="snapshot_unique_per_day"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="snapshot_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.role_id} {self.date}: {self.score}"


def _new_version() -> str:
    return uuid.uuid4().hex


class CatalogVersion(models.Model):
    """One row whose `version` changes in the same transaction as any change to the catalog.

    Processes cache the catalog maps under this token (`apps/dashboard/catalog.py`); a token never
    comes back (a fresh random one each bump), so a process cannot mistake old maps for new ones,
    and since the bump commits with the data, no process sees the new token before the new data.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.CharField(max_length=32, default=_new_version)

    def __str__(self) -> str:
        return self.version


class LearnerState(models.Model):
    """What readiness needs from one learner's history, kept current as it changes.

    `apps/dashboard/signals.py` refreshes the parts an event touches right after its transaction
    commits; `apps/dashboard/learner_state.py` computes them. Nothing in it depends on the role, so
    one row serves every role; a catalog change is caught by `catalog_version` (coverage is
    recomputed on the next read).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="+")
    catalog_version = models.CharField(max_length=32, blank=True)  # the catalog `coverage` was computed with
    coverage = models.JSONField(default=dict)  # skill slug → 0-1, skills above 0 only
    done_topics = models.JSONField(default=list)  # topic ids marked done
    enrolled_tracks = models.JSONField(default=list)  # track ids
    plan_hours = models.PositiveIntegerField(default=0)  # hours a week planned over all enrollments
    project_evidence = models.JSONField(default=dict)  # skill slug → 0-1
    round_means = models.JSONField(default=dict)  # interview round → recency-weighted mean answer score
    answer_count = models.PositiveIntegerField(default=0)  # graded answers
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"state of {self.user_id}"
