"""Gunicorn settings; every value can be overridden from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# Off by default: every request is already logged once, as JSON with its user and duration, by
# apps.core.middleware.RequestLogMiddleware; GUNICORN_ACCESS_LOG=- adds gunicorn's own line as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Load the models in each web worker before it takes requests (MODEL_WARMUP=0 switches it off)."""
    from apps.core.warmup import warm_process

    warm_process("web")
def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """With PROMETHEUS_MULTIPROC_DIR, forget a dead worker's live gauges (prometheus_client's recipe)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
