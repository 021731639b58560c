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


class Dispute(models.Model):
    """A learner says one key point of a graded answer was misjudged; staff resolve it.

    The expert's verdict (`corrected_covers`, `corrected_score`) is kept with the resolution so that
    resolved disputes can be exported as labelled examples for the grading corpus.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        REGRADED = "regraded", "Regraded"
        RUBRIC_FIXED = "rubric_fixed", "Rubric fixed"
        REJECTED = "rejected", "Grade kept"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="disputes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_disputes")
    key_point_id = models.CharField(max_length=20, help_text="The key point the learner says was misjudged.")
    key_point_text = models.CharField(max_length=1000, help_text="Its text when the dispute was opened.")
    graded_covered = models.BooleanField(help_text="The grader's verdict on that key point (the one disputed).")
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    original_score = models.PositiveSmallIntegerField()
    original_covers = models.JSONField(default=list, blank=True, help_text="Ids of the key points graded covered.")
    corrected_score = models.PositiveSmallIntegerField(null=True, blank=True)
    corrected_covers = models.JSONField(default=list, blank=True, help_text="Ids of the key points staff judged covered.")
    resolution_note = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["answer"], condition=models.Q(status="open"), name="dispute_one_open_per_answer"),
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_at__isnull=False, corrected_score__isnull=False)),
                name="dispute_resolved_has_verdict",
            ),
            models.CheckConstraint(
                condition=models.Q(corrected_score__isnull=True) | models.Q(corrected_score__lte=100),
                name="dispute_corrected_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute #{self.pk} on answer {self.answer_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReviewItem(models.Model):
    """A key point the learner missed, asked again on a spaced schedule (1, 3, 7, 14 days)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Scheduled"
        LEARNED = "learned", "Learned"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items")
    question = models.ForeignKey("questionbank.Question", on_delete=models.CASCADE, related_name="+")
    question_version = models.ForeignKey("questionbank.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    key_point_id = models.CharField(max_length=20)
    source_answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    step = models.PositiveSmallIntegerField(default=0, help_text="Index into the schedule: 0 → 1 day, 1 → 3, 2 → 7, 3 → 14.")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    missed_on = models.DateField(help_text="The last day the key point was missed (the schedule restarts there).")
    last_reviewed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["user", "status", "due_on"], name="review_due")]
        constraints = [
            models.UniqueConstraint(fields=["user", "question", "key_point_id"], name="review_one_item_per_key_point"),
            models.CheckConstraint(condition=models.Q(step__lte=3), name="review_step_0_3"),
        ]

    def __str__(self) -> str:
        return f"Review {self.question_id}/{self.key_point_id} for {self.user_id} (due {self.due_on})"


class ReviewAttempt(models.Model):
    """One answer to a review prompt, graded in the background like an interview answer."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="attempts")
    text = models.TextField(max_length=5000)
    answered_on = models.DateField(help_text="The learner's day of the attempt (the schedule counts from it).")
    grading_status = models.CharField(
        max_length=12, choices=Answer.GradingStatus.choices, default=Answer.GradingStatus.PENDING
    )
    covered = models.BooleanField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    grade = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_due_on = models.DateField(null=True, blank=True, help_text="When the item comes back (empty once learned).")
    created_at = models.DateTimeField(auto_now_add=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100), name="review_attempt_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Review attempt #{self.pk} ({self.grading_status})"

    @property
    def is_settled(self) -> bool:
        return self.grading_status in (Answer.GradingStatus.GRADED, Answer.GradingStatus.FAILED)
