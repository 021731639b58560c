import time

from celery import shared_task
from django.core.cache import cache


@shared_task(acks_late=True)
def heartbeat_task(key: str) -> float:
    """Record that a worker ran: the admin dashboard and tests use it to see the queue is served."""
    now = time.time()
    cache.set(key, now, 3600)
    return now
