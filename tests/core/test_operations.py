import time

import pytest
from django.core.cache import cache


@pytest.mark.django_db
def test_healthz_reports_every_dependency_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("database", "cache", "broker", "llm")} == {
        "database": "ok", "cache": "ok", "broker": "ok", "llm": "ok"}


@pytest.mark.django_db
def test_healthz_reports_a_dead_llm_server_as_an_error_string(client, settings, monkeypatch):
    monkeypatch.setenv("LLM_BACKEND", "openai")
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("LLM_TIMEOUT_S", "1")
    settings.LLM_BACKEND = "openai"  # get_llm() reads the environment; backends are cached per configuration
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["llm"] != "ok" and body["llm"]


@pytest.mark.integration
def test_a_real_celery_worker_runs_a_task(celery_worker):
    from apps.core.tasks import heartbeat_task

    key = f"heartbeat-{time.time()}"
    heartbeat_task.delay(key)
    deadline = time.monotonic() + 20
    while cache.get(key) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cache.get(key) is not None


def test_celery_is_configured_for_reliable_delivery():
    from config.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert {q.name for q in conf.task_queues} == {"default", "grading", "llm", "documents"}
