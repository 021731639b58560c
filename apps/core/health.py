"""Health checks for /healthz and the admin dashboard: each returns "ok" or an error string."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"


def check_cache() -> str:
    try:
        cache.set("healthz", "1", 10)
        if cache.get("healthz") != "1":
            return "error: cache did not return the value it was given"
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"


def check_broker() -> str:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"


def check_llm() -> str:
    """The configured LLM backend's own probe; "ok" when none is configured (rubric grading only)."""
    if settings.LLM_BACKEND == "none":
        return "ok"
    try:
        from ml.llm import get_llm

        llm = get_llm()
        return "ok" if llm is None else llm.health()
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"[:300]


def health_report() -> dict[str, str]:
    return {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
        "llm": check_llm(),
    }
