"""Daily readiness snapshots, so the dashboard can chart readiness over time."""

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
