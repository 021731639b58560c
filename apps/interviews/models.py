"""Mock interviews: a session of questions (`Interview`) and the learner's graded `Answer`s.

An answer is saved before it is graded; grading runs in Celery (rubric first, then the LLM judge
when one is configured), so an answer moves pending → grading → provisional/graded (or failed).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.careers.models import InterviewRound

LOOP = "loop"
ROUND_CHOICES = [*InterviewRound.choices, (LOOP, "Full loop")]


class ProjectQuestionStatus(models.TextChoices):
    """Where the question about a project on the resume stands ("" when none was asked for)."""

    PENDING = "pending", "Being written"
    READY = "ready", "Ready"
    FAILED = "failed", "Not available"


class Interview(models.Model):
    class Kind(models.TextChoices):
        MOCK = "mock", "Mock interview"
        TOPIC_CHECK = "topic_check", "Topic check"
        RESUME = "resume", "Resume interview"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MOCK)
    round = models.CharField(max_length=20, choices=ROUND_CHOICES, help_text='One round, or "loop": the role\'s rounds in order.')
    rounds = models.JSONField(default=list, blank=True, help_text="The round of each main question, in order.")
    role = models.ForeignKey("careers.JobRole", null=True, blank=True, on_delete=models.SET_NULL, related_name="interviews")
    company = models.ForeignKey("careers.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="interviews")
    topic = models.ForeignKey("roadmap.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="checks")
    resume = models.ForeignKey("resumes.Resume", null=True, blank=True, on_delete=models.SET_NULL, related_name="interviews")
    focus_skills = models.JSONField(
        default=list, blank=True, help_text="Skill slugs questions should come from (a resume interview: the "
        "resume's skills and the role's missing ones)."
    )
    # A resume interview with an LLM backend: one question about a project the resume names, written in
    # the background (the "llm" queue) and asked as soon as it is ready (never first).
    project_question = models.ForeignKey(
        "questionbank.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project_question_status = models.CharField(
        max_length=12, blank=True, default="", choices=[("", "Not asked for"), *ProjectQuestionStatus.choices],
    )
    project_question_error = models.CharField(max_length=300, blank=True)
    difficulty = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(3)])
    current_difficulty = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(3)])
    num_questions = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(10)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # What the learner is asked now. A follow-up repeats the question with `current_parent` set and
    # its own prompt; both are empty while the interviewer waits for the previous answer's grade.
    current_version = models.ForeignKey(
        "questionbank.QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_parent = models.ForeignKey("Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    current_prompt = models.TextField(blank=True)
    current_key_points = models.JSONField(default=list, blank=True, help_text="Ids of the key points a follow-up probes.")
    awaiting_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The answer whose grade decides what comes next (a follow-up or the next question).",
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "-started_at"]), models.Index(fields=["user", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(difficulty__gte=1, difficulty__lte=3), name="interview_difficulty_1_3"),
            models.CheckConstraint(
                condition=models.Q(current_difficulty__gte=1, current_difficulty__lte=3),
                name="interview_current_difficulty_1_3",
            ),
            models.CheckConstraint(
                condition=models.Q(num_questions__gte=1, num_questions__lte=10), name="interview_num_questions_1_10"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100), name="interview_score_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", finished_at__isnull=True)
                | models.Q(status="finished", finished_at__isnull=False),
                name="interview_finished_at_iff_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.round})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Answer(models.Model):
    class GradingStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        GRADING = "grading", "Grading"
        GRADED = "graded", "Graded"
        PROVISIONAL = "provisional", "Provisional"
        FAILED = "failed", "Failed"

    class ErrorKind(models.TextChoices):
        NONE = "", "None"
        TIMEOUT = "timeout", "LLM timed out"
        CONNECTION = "connection", "LLM unreachable"
        MALFORMED_OUTPUT = "malformed_output", "LLM output malformed"
        INTERNAL = "internal", "Internal error"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="answers")
    question_version = models.ForeignKey("questionbank.QuestionVersion", on_delete=models.PROTECT, related_name="answers")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups",
        help_text="Set on the answer to a follow-up: the answer it follows up.",
    )
    prompt = models.TextField(help_text="What the learner was asked (the question, or the follow-up).")
    follow_up_key_points = models.JSONField(default=list, blank=True, help_text="Ids of the key points a follow-up probes.")
    text = models.TextField(max_length=20000)
    order = models.PositiveSmallIntegerField()
    grading_status = models.CharField(max_length=12, choices=GradingStatus.choices, default=GradingStatus.PENDING)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    dimensions = models.JSONField(default=dict, blank=True)
    key_points = models.JSONField(default=list, blank=True)
    feedback = models.TextField(blank=True)
    grader = models.CharField(max_length=12, blank=True)
    grade = models.JSONField(default=dict, blank=True, help_text="The full grade (ml.grading.types.Grade.to_dict()).")
    rubric_grade = models.JSONField(default=dict, blank=True, help_text="The instant rubric grade, kept after refining.")
    injection_suspected = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True)
    error_kind = models.CharField(max_length=20, choices=ErrorKind.choices, default=ErrorKind.NONE, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Rubric grading attempts.")
    refine_attempts = models.PositiveSmallIntegerField(default=0, help_text="LLM judge attempts.")
    grading_started_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True, help_text="When the first grade (rubric) was stored.")
    refined_at = models.DateTimeField(null=True, blank=True, help_text="When the LLM judge's grade was stored.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "order"]
        indexes = [models.Index(fields=["grading_status", "created_at"], name="answer_status_created")]
        constraints = [
            models.UniqueConstraint(fields=["interview", "order"], name="answer_unique_order"),
            # No question twice in one interview (its follow-up is a child of the first answer).
            models.UniqueConstraint(
                fields=["interview", "question_version"], condition=models.Q(parent__isnull=True),
                name="answer_unique_question_per_interview",
            ),
            # At most one follow-up per question.
            models.UniqueConstraint(
                fields=["parent"], condition=models.Q(parent__isnull=False), name="answer_one_follow_up"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100), name="answer_score_0_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(grading_status__in=["graded", "provisional"])
                | models.Q(score__isnull=False, graded_at__isnull=False),
                name="answer_graded_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk} to {self.question_version_id} ({self.grading_status})"

    @property
    def is_follow_up(self) -> bool:
        return self.parent_id is not None

    @property
    def is_settled(self) -> bool:
        """True once the answer has a grade the learner can read (or grading gave up)."""
        return self.grading_status in (self.GradingStatus.GRADED, self.GradingStatus.PROVISIONAL, self.GradingStatus.FAILED)

    @property
    def poll_seconds(self) -> int | None:
        """How often the page re-checks this answer: fast while grading, slowly while the judge refines."""
        if self.grading_status in (self.GradingStatus.PENDING, self.GradingStatus.GRADING):
            return 1
        if self.grading_status == self.GradingStatus.PROVISIONAL:
            return 5
        return None
