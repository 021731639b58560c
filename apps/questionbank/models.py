"""Interview questions with versioned rubrics (weighted key points + a reference answer)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from pgvector.django import HnswIndex, VectorField

from apps.careers.models import InterviewRound
from ml.embeddings import EMBEDDING_DIM


class QuestionQuerySet(models.QuerySet["Question"]):
    def bank(self) -> "QuestionQuerySet":
        """The question bank: everything but the private questions written for one learner's resume
        interview (never listed, embedded, published in bulk or shown to an LLM as an example)."""
        return self.exclude(source=Question.Source.RESUME)


class Question(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Source(models.TextChoices):
        AUTHORED = "authored", "Authored"
        IMPORTED = "imported", "Imported"
        LLM_DRAFTED = "llm_drafted", "LLM-drafted"
        # Written by the LLM for one learner's resume interview: private to that interview, never
        # published, not in the staff bank lists.
        RESUME = "resume", "From a learner's resume"

    key = models.SlugField(max_length=120, unique=True, help_text="Stable id used by data files and imports.")
    round = models.CharField(max_length=20, choices=InterviewRound.choices)
    difficulty = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(3)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.AUTHORED)
    skills = models.ManyToManyField("roadmap.Skill", related_name="questions", blank=True)
    current_version = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True, help_text="Of the current prompt.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "difficulty", "key"]
        indexes = [
            models.Index(fields=["status", "round", "difficulty"]),
            HnswIndex(name="question_embedding_hnsw", fields=["embedding"], m=16, ef_construction=64,
                      opclasses=["vector_cosine_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_3"),
        ]

    def __str__(self) -> str:
        return self.key


class QuestionVersion(models.Model):
    """An immutable rubric snapshot: an edit makes a new version; answers keep the one they were graded against."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    prompt = models.TextField()
    key_points = models.JSONField(
        default=list, help_text='[{"id": "k1", "text": "...", "weight": 1-3, "follow_up": "..."}]: each point carries its '
        "own follow-up question, and its id stays the same across versions."
    )
    reference_answer = models.TextField(blank=True, help_text="Markdown.")
    red_flags = models.JSONField(
        default=list, blank=True, help_text='["..."]: statements a confidently wrong or bad answer would make '
        "(data/questions/red_flags/); the rubric grader measures how close an answer comes to them."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    restored_from = models.PositiveIntegerField(
        null=True, blank=True, help_text="The number of the older version this one restored (`versions.py`)."
    )

    class Meta:
        ordering = ["question", "-number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="questionversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.question.key} v{self.number}"


class StaffJob(models.Model):
    """A piece of background work a staff member asked for, shown with its status on their page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class QuestionDraftJob(StaffJob):
    """A staff request to have the LLM draft questions for a skill; the drafts land in the review queue."""

    skill = models.ForeignKey("roadmap.Skill", on_delete=models.CASCADE, related_name="+")
    round = models.CharField(max_length=20, choices=InterviewRound.choices)
    difficulty = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(3)])
    count = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(10)])
    created_count = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} × {self.skill_id} ({self.status})"


class GradingEvaluation(StaffJob):
    """One measurement of the rubric grader against the labelled corpus (data/grading_corpus), graded
    against the bank's current rubrics: agreement per split and per round, and the worst disagreements."""

    corpus_version = models.CharField(max_length=40, blank=True)
    grader = models.CharField(max_length=120, blank=True, help_text="The grader and its calibration, as measured.")
    figures = models.JSONField(default=dict, blank=True, help_text="split -> the evaluation report (EvalReport.to_dict).")
    missing_questions = models.JSONField(default=list, blank=True, help_text="Corpus questions not in the bank.")
    duration_s = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"grading evaluation {self.pk} ({self.status}, corpus {self.corpus_version})"
