"""Health checks for /healthz and the staff health page: each returns "ok" or a description for staff.

Nothing here loads a model. An OpenAI-compatible server is probed over HTTP (with its short
time-out); an in-process backend (``vllm``, ``local``) lives only in the ``llm`` worker, so that
worker records its own probe in the cache (``llm_health_record_task``, every minute from beat)
and the web process reads the record.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

COMPONENTS = ("database", "cache", "broker", "llm")
IN_PROCESS_BACKENDS = frozenset({"vllm", "local"})
LLM_RECORD_KEY = "health:llm"
LLM_RECORD_MAX_AGE_S = 180


def _error(exc: BaseException) -> str:
    return f"error: {type(exc).__name__}: {exc}"[:300]


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _error(exc)
    return "ok"


def check_cache() -> str:
    try:
        cache.set("healthz", "1", 10)
        if cache.get("healthz") != "1":
            return "error: cache did not return the value it was given"
    except Exception as exc:
        return _error(exc)
    return "ok"


def check_broker() -> str:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return _error(exc)
    return "ok"


def llm_health_record(status: str) -> None:
    """Called in the llm worker: remember its backend's probe for the web process to report."""
    cache.set(LLM_RECORD_KEY, {"status": status, "at": time.time()}, LLM_RECORD_MAX_AGE_S * 2)


def check_llm() -> str:
    """"ok" when no LLM is configured (rubric grading only); never builds an in-process backend."""
    if settings.LLM_BACKEND == "none":
        return "ok"
    if settings.LLM_BACKEND in IN_PROCESS_BACKENDS:
        try:
            record = cache.get(LLM_RECORD_KEY)
        except Exception as exc:
            return _error(exc)
        if not record:
            return f"error: no report from the llm worker ({settings.LLM_BACKEND} backend) yet"
        age = time.time() - record["at"]
        if age > LLM_RECORD_MAX_AGE_S:
            return f"error: the llm worker last reported {age:.0f} s ago"
        return record["status"]
    try:
        from ml.llm import get_llm

        llm = get_llm()  # an HTTP client only: the openai backend loads nothing
        return "ok" if llm is None else llm.health()
    except Exception as exc:
        return _error(exc)


def health_report() -> dict[str, str]:
    """Each component's full result: "ok" or what is wrong (hosts, URLs: for staff only)."""
    return {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
        "llm": check_llm(),
    }


def health_summary(report: dict[str, str]) -> dict[str, str]:
    """What anyone may see: "ok" or "error" per component, no details."""
    return {name: "ok" if result == "ok" else "error" for name, result in report.items()}
