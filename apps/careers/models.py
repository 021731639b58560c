"""Companies and job roles (with weighted skills, salary and the interview rounds of the hiring loop)."""

from django.db import models
from pgvector.django import HalfVectorField, HnswIndex, VectorField

from ml import disciplines
from ml.embeddings import EMBEDDING_DIM
from ml.matching import MATCH_DIM


class InterviewRound(models.TextChoices):
    CODING = "coding", "Coding"
    ML_FUNDAMENTALS = "ml_fundamentals", "ML fundamentals"
    LLM_DEEP_DIVE = "llm_deep_dive", "LLM deep dive"
    SYSTEM_DESIGN = "system_design", "System design"
    BEHAVIORAL = "behavioral", "Behavioral"


class Company(models.Model):
    class Category(models.TextChoices):
        BIG_TECH = "big_tech", "Big tech"
        GLOBAL_MNC = "global_mnc", "Global MNC"
        IT_SERVICES = "it_services", "IT services"
        STARTUP = "startup", "Startup"
        RESEARCH_LAB = "research_lab", "Research lab"
        ENTERPRISE = "enterprise", "Enterprise"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=15, choices=Category.choices, default=Category.ENTERPRISE)
    region = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class JobRole(models.Model):
    class Seniority(models.TextChoices):
        INTERN = "intern"
        JUNIOR = "junior"
        MID = "mid"
        SENIOR = "senior"
        STAFF = "staff"

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    family = models.CharField(
        max_length=40, blank=True, verbose_name="discipline",
        help_text="The role's discipline (ml.disciplines); inferred from its text and skills when left empty.",
    )
    description = models.TextField()
    seniority = models.CharField(max_length=10, choices=Seniority.choices, default=Seniority.MID)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings",
        help_text="Set for a real job posting at one company.",
    )
    hiring_companies = models.ManyToManyField(Company, blank=True, related_name="roles")
    skills = models.ManyToManyField("roadmap.Skill", through="RoleSkill", related_name="roles", blank=True)
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    salary_period = models.CharField(max_length=10, blank=True, default="year")
    salary_region = models.CharField(max_length=80, blank=True)
    interview_rounds = models.JSONField(default=list, blank=True)
    is_posting = models.BooleanField(default=False, help_text="A real job posting added by staff.")
    source_url = models.URLField(blank=True, max_length=500)
    sources = models.JSONField(default=list, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    embedded_text_hash = models.CharField(max_length=64, blank=True)
    # Embedding + skill shares + seniority (ml.matching.role_match_vector): what resume matching probes.
    match_vector = HalfVectorField(dimensions=MATCH_DIM, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            # Cosine over equal-length match vectors ranks roles by their product with a resume's query
            # vector, the linear part of the match score (ml.matching). A denser graph than the defaults:
            # job roles are dense near-duplicates, and m 24 / ef_construction 128 left 0.93-0.97 of the
            # true top 10 reachable at 100,000 roles, m 32 / 200 0.97-0.98 (docs/benchmarks.md).
            HnswIndex(
                name="jobrole_match_hnsw", fields=["match_vector"], m=32, ef_construction=200,
                opclasses=["halfvec_cosine_ops"],
            ),
            # Roles whose match vector is not computed yet: matched by an exact scan of this (small) set.
            models.Index(fields=["id"], name="jobrole_match_pending",
                         condition=models.Q(match_vector__isnull=True, embedding__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="jobrole_salary_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def discipline_label(self) -> str:
        return disciplines.label(self.family)


class RoleSkill(models.Model):
    role = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="role_skills")
    skill = models.ForeignKey("roadmap.Skill", on_delete=models.CASCADE, related_name="role_skills")
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "skill"], name="roleskill_unique")]

    def __str__(self) -> str:
        return f"{self.role_id}:{self.skill_id}×{self.weight}"


class InterviewFlow(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.title


class InterviewFlowStep(models.Model):
    flow = models.ForeignKey(InterviewFlow, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    round = models.CharField(max_length=20, choices=InterviewRound.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["flow", "order"]

    def __str__(self) -> str:
        return self.title


class FreeTerm(models.Model):
    """A skill-like term seen in resumes or pasted postings that the taxonomy does not know.

    Only the term and counts are kept (never who wrote it); staff promote real skills into the taxonomy
    (a new skill, or a synonym of one) or dismiss the term."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        PROMOTED = "promoted", "Promoted"
        DISMISSED = "dismissed", "Dismissed"

    key = models.CharField(max_length=80, unique=True, help_text="Lower case, spaces and hyphens dropped.")
    term = models.CharField(max_length=80)
    resume_count = models.PositiveIntegerField(default=0)
    posting_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    skill = models.ForeignKey("roadmap.Skill", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="free_terms", help_text="The skill it was promoted into.")
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posting_count", "-resume_count", "key"]
        indexes = [models.Index(fields=["status", "-posting_count", "-resume_count"], name="freeterm_queue")]

    def __str__(self) -> str:
        return self.term

    @property
    def seen(self) -> int:
        return self.resume_count + self.posting_count
