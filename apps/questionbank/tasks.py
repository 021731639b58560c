"""Celery tasks of the question bank: load by id, call a service."""

from celery import shared_task

from apps.questionbank import services
from ml.llm.base import LLMUnavailable


@shared_task(acks_late=True, queue="documents")
def question_embed_task(question_id: int) -> None:
    services.question_embedding_refresh(question_id=question_id)


@shared_task(acks_late=True, queue="documents")
def questions_embed_missing_task() -> None:
    services.questions_embed_missing()


@shared_task(bind=True, acks_late=True, queue="llm", autoretry_for=(LLMUnavailable,), retry_backoff=True,
             max_retries=3)
def question_drafts_generate_task(self, job_id: int) -> None:  # type: ignore[no-untyped-def]
    services.question_drafts_generate(job_id=job_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(acks_late=True, queue="grading")
def grading_evaluation_task(evaluation_id: int) -> None:
    from apps.questionbank.quality import grading_evaluation_execute

    grading_evaluation_execute(evaluation_id=evaluation_id)
