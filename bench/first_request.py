"""First-request latency of a freshly started web process, with and without the model warm-up.

Runs under pytest so it gets the test database (the embedded servers of var/test):

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m pytest bench/first_request.py -q -s

For MODEL_WARMUP=0 and =1 it starts gunicorn (deploy/gunicorn.conf.py, one worker) twice: once to
time the first rubric-playground run (POST /questions/<id>/try/, the staff page's htmx request), once
to time the first question save on the staff editor (which embeds the prompt in the request). Each
figure is the first request the process serves after it answers /healthz; the second request of the
same kind is printed next to it.
"""

from __future__ import annotations

import re
import time

import pytest
import requests

from apps.questionbank import services
from tests.core.test_warmup import ROOT, _child_env, _free_port, _wait
from tests.factories import PASSWORD, UserFactory
from tests.questionbank.conftest import make_question

pytestmark = pytest.mark.django_db(transaction=True)


def _session(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=120)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(f"{base}/accounts/login/", timeout=60, headers={"Referer": f"{base}/accounts/login/"},
                 data={"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD})
    return session


def _csrf(session: requests.Session, base: str, path: str) -> str:
    page = session.get(f"{base}{path}", timeout=60)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _timed(call) -> float:
    started = time.perf_counter()
    response = call()
    assert response.status_code < 400, response.text[:500]  # noqa: S101
    # A grade fragment, or the saved question's page (the save redirects there).
    assert 'data-testid="grade"' in response.text or not response.url.endswith("/new/"), response.text[:300]  # noqa: S101
    return time.perf_counter() - started


def _serve(warm: str, measure) -> tuple[float, float]:
    import subprocess
    import sys

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _child_env(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", MODEL_WARMUP=warm, GUNICORN_ACCESS_LOG="/dev/null")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                "config.wsgi:application"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def ready() -> bool:
            try:
                return requests.get(f"{base}/healthz", timeout=120).ok
            except requests.ConnectionError:
                return False

        _wait(ready, "gunicorn")
        return measure(base)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_first_request_latency():
    staff_user = UserFactory(is_staff=True)
    question = make_question(user=staff_user, skills=[])
    # As in a running bank, the question's vector is stored, so its page does not load the encoder.
    services.question_embedding_refresh(question_id=question.pk)
    counter = iter(range(1000))

    def first_try(base: str) -> tuple[float, float]:
        session = _session(base, staff_user.email)
        path = f"/questions/{question.pk}/"
        token = _csrf(session, base, path)

        def call():
            return session.post(f"{base}{path}try/", timeout=120, headers={"X-CSRFToken": token, "HX-Request": "true",
                                                                          "Referer": base + path},
                                data={"text": "Embed each ticket and compare the vectors with cosine similarity."})
        return _timed(call), _timed(call)

    def first_save(base: str) -> tuple[float, float]:
        session = _session(base, staff_user.email)
        token = _csrf(session, base, "/questions/new/")

        def call():
            n = next(counter)
            return session.post(f"{base}/questions/new/", timeout=120, headers={"Referer": f"{base}/questions/new/"},
                                data={"csrfmiddlewaretoken": token, "round": "coding", "difficulty": "2",
                                      "status": "draft", "key_points": "2 | Use a heap", "confirm_duplicate": "on",
                                      "prompt": f"Benchmark question {n}: merge {n + 2} sorted lists of integers."})
        return _timed(call), _timed(call)

    for warm in ("0", "1"):
        try_first, try_second = _serve(warm, first_try)
        save_first, save_second = _serve(warm, first_save)
        print(f"\nMODEL_WARMUP={warm}: playground run first {try_first:.2f} s, second {try_second:.2f} s; "
              f"question save first {save_first:.2f} s, second {save_second:.2f} s")
