"""The Celery app. Queues: default, grading (instant rubric grades), llm (a GPU worker), documents."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("llmcoach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
