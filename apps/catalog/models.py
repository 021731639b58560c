"""A record of each `manage.py load_catalog` run, for the staff operations page."""

from django.db import models


class CatalogLoad(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    summary = models.JSONField(default=list, blank=True, help_text="One line per kind: created, updated, deleted.")
    embeddings = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"catalog load at {self.started_at:%Y-%m-%d %H:%M} ({'ok' if self.ok else 'failed'})"
