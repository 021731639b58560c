"""Models are loaded when web and worker processes start (apps/core/warmup.py), and staff can see it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from knox.models import AuthToken

from apps.core import warmup
from tests.questionbank.conftest import make_question

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_state() -> Iterator[None]:
    saved = warmup._state
    warmup._state = None
    yield
    warmup._state = saved


def test_health_page_says_this_web_process_is_warm(client, staff_user, fresh_state, monkeypatch):
    monkeypatch.delenv(warmup.ENV_SWITCH, raising=False)
    client.force_login(staff_user)
    row = client.get("/ops/health/").content.decode()
    assert "not warmed" in row  # nothing warmed the test process yet

    state = warmup.warm_process("web")

    assert state.status == "warm" and state.seconds is not None
    page = client.get("/ops/health/").content.decode()
    assert f"loaded in {state.seconds} s" in page
    assert cache.get("warmup:web")["status"] == "warm"


def test_warm_up_can_be_switched_off(client, staff_user, fresh_state, monkeypatch):
    monkeypatch.setenv(warmup.ENV_SWITCH, "0")
    assert warmup.warm_process("worker").status == "off"
    client.force_login(staff_user)
    page = client.get("/ops/health/").content.decode()
    assert "switched off here" in page
    assert warmup.recorded("worker")["status"] == "off"


def test_learners_do_not_see_the_warm_up_state(api):
    assert "models" not in api.get("/healthz").json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env(**extra: str) -> dict[str, str]:
    """A process on this test's database and cache (the embedded servers of var/test)."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{db['USER']}@{quote(db['HOST'], safe='')}/{db['NAME']}",
        "TEST_CACHE_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        **extra,
    }


def _wait(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_started_web_and_worker_processes_have_the_models_loaded(catalog_committed, staff_user, tmp_path):
    """Real gunicorn (deploy/gunicorn.conf.py) and a real prefork Celery worker: both report warm models,
    and the web process's first rubric-playground request does not pay for loading them."""
    cache.delete_many(["warmup:web", "warmup:worker"])
    question = make_question(user=staff_user)
    _, token = AuthToken.objects.create(user=staff_user)
    port = _free_port()
    env = _child_env(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", MODEL_WARMUP="1")
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("web", "worker")}  # noqa: SIM115
    processes = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"],
                         cwd=ROOT, env=env, stdout=logs["web"], stderr=subprocess.STDOUT),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "-c", "1",
                          "-Q", f"warmup-test-{port}", "-n", f"warmup-{port}@%h", "--loglevel", "WARNING"],
                         cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT),
    ]
    try:
        def warm(role: str) -> bool:
            assert all(p.poll() is None for p in processes), (tmp_path / f"{role}.log").read_text()[-3000:]
            return (warmup.recorded(role) or {}).get("status") == "warm"

        _wait(lambda: warm("web"), "the web process to warm up")
        _wait(lambda: warm("worker"), "the worker process to warm up")
        headers = {"Authorization": f"Token {token}"}
        base = f"http://127.0.0.1:{port}"

        started = time.perf_counter()
        tried = requests.post(f"{base}/api/v1/questions/{question.pk}/try/", headers=headers, timeout=60,
                              json={"text": "Embed each ticket and compare the vectors with cosine similarity."})
        first_request_s = time.perf_counter() - started

        assert tried.status_code == 200, tried.text
        assert tried.json()["key_points"][0]["covered"] is True
        models = requests.get(f"{base}/healthz", headers=headers, timeout=10).json()["models"]
        assert models["this_process"]["status"] == "warm" and models["this_process"]["role"] == "web"
        assert models["worker"]["status"] == "warm"
        # The load happened at start, so the first request is far quicker than the load itself.
        assert first_request_s < models["this_process"]["seconds"], (first_request_s, models)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
