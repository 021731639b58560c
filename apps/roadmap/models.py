"""The learning catalog (tracks → stages → topics → resources, one skill taxonomy) and learner progress."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class SkillCategory(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name_plural = "skill categories"

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    synonyms = models.JSONField(default=list, blank=True, help_text="Phrases that mean this skill.")
    order = models.PositiveSmallIntegerField(default=0)
    # This skill's slot in the role match vectors (ml.matching.SKILL_SLOTS); assigned by
    # apps.careers.services.skill_vector_slots() when vectors are built.
    vector_slot = models.PositiveSmallIntegerField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["category__order", "order", "slug"]

    def __str__(self) -> str:
        return self.name


class Track(models.Model):
    class StageKind(models.TextChoices):
        WEEK = "week", "Week"
        MONTH = "month", "Month"
        PHASE = "phase", "Phase"
        LEVEL = "level", "Level"
        MODULE = "module", "Module"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Seed roadmap this track was written from.")
    stage_kind = models.CharField(max_length=10, choices=StageKind.choices, default=StageKind.PHASE)
    duration_weeks = models.FloatField(default=0)
    suggested_hours_per_week = models.PositiveSmallIntegerField(default=10)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Track.StageKind.choices, default=Track.StageKind.PHASE)
    group = models.CharField(max_length=200, blank=True)
    duration_weeks = models.FloatField(default=1)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["track", "order"]
        constraints = [models.UniqueConstraint(fields=["track", "key"], name="stage_unique_key_per_track")]

    def __str__(self) -> str:
        return f"{self.track.slug}: {self.title}"


class Topic(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="topics")
    key = models.SlugField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255)
    subtopics = models.JSONField(default=list, blank=True)
    estimated_hours = models.FloatField(null=True, blank=True)
    skills = models.ManyToManyField(Skill, related_name="topics", blank=True)

    class Meta:
        ordering = ["stage", "order"]
        constraints = [models.UniqueConstraint(fields=["stage", "key"], name="topic_unique_key_per_stage")]

    def __str__(self) -> str:
        return self.title


class Resource(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video"
        PLAYLIST = "playlist"
        PAPER = "paper"
        BLOG = "blog"
        COURSE = "course"
        BOOK = "book"
        DOCS = "docs"
        TOOL = "tool"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resources")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BLOG)

    class Meta:
        ordering = ["topic", "order"]

    def __str__(self) -> str:
        return self.title


class ProjectTemplate(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner"
        INTERMEDIATE = "intermediate"
        ADVANCED = "advanced"

    key = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=255)
    level = models.CharField(max_length=15, choices=Level.choices, default=Level.INTERMEDIATE)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, related_name="project_templates", blank=True)
    tech_stack = models.JSONField(default=list, blank=True)
    deliverables = models.JSONField(default=list, blank=True)
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")

    class Meta:
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="enrollments")
    hours_per_week = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    started_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "track"], name="enrollment_unique_user_track")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.track_id}"


class TopicProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_progress")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(blank=True, max_length=5000)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True, help_text="Set when the learner passed a topic check.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="progress_unique_user_topic"),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__gte=1, confidence__lte=5),
                name="progress_confidence_1_5",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.topic_id}={self.status}"
