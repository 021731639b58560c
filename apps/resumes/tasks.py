from celery import shared_task

from apps.resumes import services


@shared_task(acks_late=True)
def resume_process_task(resume_id: int) -> None:
    """Routed to the `documents` queue (CELERY_TASK_ROUTES: apps.resumes.tasks.*)."""
    services.resume_process(resume_id=resume_id)
