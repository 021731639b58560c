"""The Celery app. Queues: default, grading (instant rubric grades), llm (a GPU worker), documents."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("llmcoach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_worker_process(**kwargs: object) -> None:
    """Each worker child loads the models before its first task (MODEL_WARMUP=0 switches it off)."""
    from apps.core.warmup import warm_process

    warm_process("worker")
@worker_ready.connect
def serve_worker_metrics(**kwargs: object) -> None:
    """A worker's own metrics (grading latency, LLM errors, resume processing) on WORKER_METRICS_PORT,
    for the cluster's Prometheus: a port inside the pod network only, never published. With
    PROMETHEUS_MULTIPROC_DIR set, the prefork children's samples are added up."""
    port = os.environ.get("WORKER_METRICS_PORT")
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), registry=registry)
