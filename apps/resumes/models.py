"""Uploaded resumes, their text, the taxonomy skills found in them and their embedded chunks."""

from django.conf import settings
from django.db import models
from pgvector.django import VectorField

from ml.embeddings import EMBEDDING_DIM


class Resume(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    class Step(models.TextChoices):
        """Processing steps in order; the upload page shows them as they happen."""

        QUEUED = "queued", "Queued"
        EXTRACTING = "extracting", "Extracting text"
        REPAIRING = "repairing", "Repairing the encoding"
        SECTIONS = "sections", "Finding sections"
        SKILLS = "skills", "Finding skills"
        EMBEDDING = "embedding", "Embedding"
        MATCHING = "matching", "Matching roles"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        TEXT = "text", "Plain text"
        MARKDOWN = "markdown", "Markdown"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumes")
    filename = models.CharField(max_length=150, help_text="Sanitised original name, for display only.")
    stored_name = models.CharField(max_length=64, unique=True, help_text="Random file name under PRIVATE_UPLOAD_DIR.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.QUEUED)
    error = models.TextField(blank=True)
    text = models.TextField(blank=True)
    sections = models.JSONField(default=dict, blank=True, help_text="{section name: text}")
    flagged_lines = models.JSONField(
        default=list, blank=True, help_text="Lines addressed to automated screeners; ignored by matching."
    )
    years_experience = models.FloatField(default=0)
    has_experience = models.BooleanField(default=False)
    disciplines = models.JSONField(
        default=dict, blank=True, help_text="Discipline → affinity (the resume's own field 1.0), from the catalog's roles.",
    )
    top_linear = models.FloatField(
        default=0.6, help_text="0.45 semantic + 0.55 skills of its best catalog role: calibrates the match query.",
    )
    skills = models.ManyToManyField("roadmap.Skill", through="ResumeSkill", related_name="resumes", blank=True)
    embedding = VectorField(
        dimensions=EMBEDDING_DIM, null=True, blank=True, editable=False,
        help_text="The normalised mean of the chunk embeddings: what roles are matched against.",
    )
    top_matches = models.JSONField(
        default=list, blank=True, help_text="Snapshot of the best roles when processed: [{role, title, score}]."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "sha256"], name="resume_unique_file_per_user")]
        indexes = [models.Index(fields=["user", "-created_at"], name="resume_user_recent")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.user_id})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class ResumeSkill(models.Model):
    """A taxonomy skill found in a resume, with where it was found (evidence for matching)."""

    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="resume_skills")
    skill = models.ForeignKey("roadmap.Skill", on_delete=models.CASCADE, related_name="resume_skills")
    mentions = models.PositiveSmallIntegerField(default=1)
    sections = models.JSONField(default=list, blank=True)
    evidence = models.FloatField(default=1.0, help_text="1.0 used in experience/projects … 0.6 only listed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resume", "skill"], name="resumeskill_unique")]

    def __str__(self) -> str:
        return f"{self.resume_id}:{self.skill_id}"


class ResumeChunk(models.Model):
    """A passage of a resume and its sentence embedding (the vectors matched against roles)."""

    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="chunks")
    order = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=12)
    text = models.TextField()
    embedding = VectorField(dimensions=EMBEDDING_DIM)

    class Meta:
        ordering = ["resume", "order"]
        constraints = [models.UniqueConstraint(fields=["resume", "order"], name="resumechunk_unique_order")]
        # No vector index: chunks are never searched (matching probes the roles with the resume's mean
        # embedding, Resume.embedding); an HNSW index here only cost every upload an insert.

    def __str__(self) -> str:
        return f"{self.resume_id}#{self.order}"


class ResumeRoleScore(models.Model):
    """A role's score for a resume with its parts, stored when the resume is processed and refreshed when
    roles change, so readiness and role pages read it instead of matching in a web request."""

    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="role_scores")
    role = models.ForeignKey("careers.JobRole", on_delete=models.CASCADE, related_name="resume_scores")
    score = models.PositiveSmallIntegerField()
    semantic = models.FloatField()
    skills = models.FloatField(help_text="Weighted share of the role's skills the resume shows, 0-1.")
    seniority = models.FloatField(help_text="Seniority fit multiplier.")
    discipline = models.FloatField(default=1.0, help_text="Discipline fit multiplier.")
    matched_skills = models.JSONField(default=list, blank=True)
    missing_skills = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resume", "role"], name="resumerolescore_unique")]
        indexes = [models.Index(fields=["resume", "-score"], name="resumerolescore_best")]

    def __str__(self) -> str:
        return f"{self.resume_id}:{self.role_id}={self.score}"


class PostingComparison(models.Model):
    """A job posting a learner pasted and compared with one of their resumes. Private to the learner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posting_comparisons")
    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="comparisons")
    title = models.CharField(max_length=200, blank=True)
    posting = models.TextField()
    result = models.JSONField(default=dict, help_text="The comparison as the API returns it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="comparison_user_recent")]

    def __str__(self) -> str:
        return f"{self.title or 'posting'} ({self.user_id})"
