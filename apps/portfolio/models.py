"""A learner's portfolio projects (from a template or their own)."""

from django.conf import settings
from django.db import models


class PortfolioProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    template = models.ForeignKey(
        "roadmap.ProjectTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="learner_projects"
    )
    title = models.CharField(max_length=200)
    repo_url = models.URLField(blank=True, max_length=500)
    demo_url = models.URLField(blank=True, max_length=500)
    summary = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    skills = models.ManyToManyField("roadmap.Skill", blank=True, related_name="portfolio_projects")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return self.title
