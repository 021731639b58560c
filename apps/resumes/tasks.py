from celery import shared_task

from apps.core.metrics import RESUME_PROCESSING_SECONDS, RESUMES_PROCESSED, timed
from apps.resumes import services


# Extraction has its own child-process limits (RESUME_EXTRACT_*); these bound the whole task, embedding included.
@shared_task(acks_late=True, soft_time_limit=180, time_limit=240)
def resume_process_task(resume_id: int) -> None:
    """Routed to the `documents` queue (CELERY_TASK_ROUTES: apps.resumes.tasks.*)."""
    with timed(RESUME_PROCESSING_SECONDS):
        resume = services.resume_process(resume_id=resume_id)
    RESUMES_PROCESSED.labels(outcome=resume.status if resume is not None else "gone").inc()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def resumes_requeue_stuck_task() -> int:
    return services.resumes_requeue_stuck()


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def resume_role_scores_refresh_task(role_ids: list[int] | None = None) -> int:
    """Roles changed (these, or the catalog when None): refresh every resume's stored role scores."""
    from apps.resumes.scores import resume_role_scores_refresh

    return resume_role_scores_refresh()
