import time

import pytest
from django.core.cache import cache


@pytest.mark.django_db
def test_healthz_tells_anyone_ok_per_component_and_nothing_more(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok", "llm": "ok"}


@pytest.fixture
def dead_llm_server(settings, monkeypatch):
    monkeypatch.setenv("LLM_BACKEND", "openai")
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("LLM_TIMEOUT_S", "1")
    settings.LLM_BACKEND = "openai"  # get_llm() reads the environment; backends are cached per configuration


@pytest.mark.django_db
def test_a_dead_llm_server_is_an_error_without_its_address_for_anonymous_callers(client, dead_llm_server):
    response = client.get("/healthz")
    assert response.status_code == 200  # only a dead database makes the whole service unavailable
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok", "llm": "error"}
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_staff_see_what_is_wrong_by_token_and_on_the_health_page(client, staff_api, staff_user, dead_llm_server):
    body = staff_api.get("/healthz").json()
    assert body["llm"] == "error" and "127.0.0.1:9" in body["details"]["llm"]
    assert body["details"]["database"] == "ok" and body["llm_backend"] == "openai"
    client.force_login(staff_user)
    page = client.get("/ops/health/")
    assert page.status_code == 200 and b"127.0.0.1:9" in page.content


@pytest.mark.django_db
def test_learners_get_no_details_and_no_health_page(client, api, user, dead_llm_server):
    assert "details" not in api.get("/healthz").json()
    client.force_login(user)
    assert client.get("/ops/health/").status_code == 403


@pytest.mark.django_db
def test_healthz_never_loads_an_in_process_model(client, staff_api, settings, monkeypatch):
    import ml.llm
    import ml.llm.local

    monkeypatch.setenv("LLM_BACKEND", "local")
    settings.LLM_BACKEND = "local"
    started = time.monotonic()
    assert client.get("/healthz").json()["llm"] == "error"  # the llm worker has not reported yet
    assert "no report from the llm worker" in staff_api.get("/healthz").json()["details"]["llm"]
    assert time.monotonic() - started < 5
    assert not any(c.backend == "local" for c in ml.llm._backends) and not ml.llm.local._models

    from apps.core.health import llm_health_record

    llm_health_record("ok")  # what llm_health_record_task does in the llm worker
    assert client.get("/healthz").json()["llm"] == "ok"
    assert not any(c.backend == "local" for c in ml.llm._backends) and not ml.llm.local._models


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
