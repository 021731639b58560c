import time

from celery import shared_task
from django.core.cache import cache


@shared_task(acks_late=True)
def heartbeat_task(key: str) -> float:
    """Record in the cache that a worker ran (a liveness probe of the queue; used by the worker tests)."""
    now = time.time()
    cache.set(key, now, 3600)
    return now


# On the llm queue: an in-process model (vLLM engine, local transformers) lives only in the worker
# that serves that queue, so the probe runs there and the web process reads the record.
@shared_task(acks_late=True, queue="llm", soft_time_limit=120, time_limit=150)
def llm_health_record_task() -> str:
    from django.conf import settings

    from apps.core.health import llm_health_record
    from ml.llm import get_llm

    if settings.LLM_BACKEND == "none":
        return "ok"
    try:
        llm = get_llm()
        status = "ok" if llm is None else llm.health()
    except Exception as exc:
        status = f"error: {type(exc).__name__}: {exc}"[:300]
    llm_health_record(status)
    return status
