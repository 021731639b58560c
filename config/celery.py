"""The Celery app. Queues: default, grading (instant rubric grades), llm (a GPU worker), documents."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("llmcoach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_worker_process(**kwargs: object) -> None:
    """Each worker child loads the models before its first task (MODEL_WARMUP=0 switches it off)."""
    from apps.core.warmup import warm_process

    warm_process("worker")
