"""Celery tasks for grading: load by id, call a service, nothing else.

Queues (config/settings/base.py): `answer_grade_task` → grading (CPU, the rubric's encoder),
`answer_refine_task` → llm (the judge; a GPU worker or a vLLM server behind it).
"""

from celery import shared_task

from apps.interviews import review, services
from ml.llm.base import LLMTimeout, LLMUnavailable


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90,
    autoretry_for=(Exception,), retry_backoff=2, retry_backoff_max=60, retry_jitter=False, max_retries=4,
)
def answer_grade_task(self, answer_id: int, force: bool = False) -> None:  # type: ignore[no-untyped-def]
    # Idempotent: returns early if the answer is already graded; after the last retry the
    # service has marked the answer failed.
    services.answer_grade(answer_id=answer_id, force=force)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=150, time_limit=180,
    autoretry_for=(LLMUnavailable, LLMTimeout), retry_backoff=5, retry_backoff_max=600, retry_jitter=True,
    max_retries=6,
)
def answer_refine_task(self, answer_id: int) -> None:  # type: ignore[no-untyped-def]
    # A malformed LLM output is not retried here: the rubric grade stands as provisional and the
    # periodic refine_provisional_task tries again later.
    services.answer_refine(answer_id=answer_id)


# On the llm queue: the health probe runs where the judge runs (an in-process vLLM engine lives
# only in the GPU worker; a web or CPU worker must not load it).
@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, queue="llm")
def refine_provisional_task(limit: int = 200) -> int:
    return services.answers_refine_provisional(limit=limit)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def requeue_stuck_answers_task(older_than_minutes: int | None = None) -> int:
    return services.answers_requeue_stuck(older_than_minutes=older_than_minutes)


@shared_task(bind=True, acks_late=True, queue="llm", soft_time_limit=150, time_limit=180,
             autoretry_for=(LLMUnavailable, LLMTimeout), retry_backoff=2, retry_backoff_max=30, max_retries=3)
def interview_project_question_task(self, interview_id: int) -> None:  # type: ignore[no-untyped-def]
    services.interview_project_question_write(interview_id=interview_id,
                                              final_attempt=self.request.retries >= self.max_retries)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90, queue="grading",
    autoretry_for=(Exception,), retry_backoff=2, retry_backoff_max=60, retry_jitter=False, max_retries=4,
)
def review_attempt_grade_task(self, attempt_id: int) -> None:  # type: ignore[no-untyped-def]
    # A review prompt's answer, graded like an interview answer (the rubric on the grading queue).
    review.review_attempt_grade(attempt_id=attempt_id)

