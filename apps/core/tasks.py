import time

from celery import shared_task
from django.core.cache import cache


@shared_task(acks_late=True)
def heartbeat_task(key: str) -> float:
    """Record in the cache that a worker ran (a liveness probe of the queue; used by the worker tests)."""
    now = time.time()
    cache.set(key, now, 3600)
    return now
