from celery import shared_task

from apps.careers import services


@shared_task(acks_late=True, queue="documents")
def role_embed_task(role_id: int) -> None:
    services.role_embedding_refresh(role_id=role_id)
