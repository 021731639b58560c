"""PostgreSQL stops under a running site: pages answer 503 with a readable message, and the same
gunicorn process serves again by itself once PostgreSQL is back.

A stack of its own (embedded PostgreSQL and Redis in a temporary VAR_DIR, migrated, served by a
real gunicorn), so stopping its database cannot disturb the rest of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from config import embedded
from tests.interviews.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def _wait(check, *, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    var_dir = tmp_path_factory.mktemp("db-fault") / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.test", LLM_BACKEND="none",
               EMBEDDED_PG_SHARED_BUFFERS="128MB")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    sign_in = (  # an API token and a browser session for one learner
        "from apps.accounts.models import User; from knox.models import AuthToken; "
        "from django.contrib.sessions.backends.db import SessionStore; "
        "u = User.objects.create_user(email='fault@example.com', password='x' * 12); "
        "s = SessionStore(); s['_auth_user_id'] = str(u.pk); "
        "s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'; "
        "s['_auth_user_hash'] = u.get_session_auth_hash(); s.create(); "
        "print(s.session_key, AuthToken.objects.create(user=u)[1])"
    )
    out = subprocess.run([*manage, "shell", "-c", sign_in], cwd=ROOT, env=env, check=True, timeout=120,
                         capture_output=True, text=True).stdout.split()
    port = free_port()
    log = (var_dir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "WEB_THREADS": "2"},
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: httpx.get(f"{base}/healthz", timeout=5).status_code == 200, timeout=60, what="gunicorn")
        yield {"base": base, "session": out[-2], "token": out[-1], "var_dir": var_dir}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        embedded.stop_all(var_dir)


def test_pages_answer_503_while_postgres_is_down_and_recover_by_themselves(site):
    base, headers = site["base"], {"Authorization": f"Token {site['token']}"}
    browser = httpx.Client(base_url=base, cookies={"sessionid": site["session"]}, timeout=10)
    assert httpx.get(f"{base}/api/v1/me/", headers=headers, timeout=10).status_code == 200
    assert browser.get("/roadmaps/").status_code == 200

    embedded.stop_postgres(site["var_dir"])
    try:
        api = httpx.get(f"{base}/api/v1/me/", headers=headers, timeout=10)
        assert api.status_code == 503 and api.headers["Retry-After"]
        assert api.json() == {"detail": "The database is not answering right now; this page will work again as "
                                         "soon as it is back.", "errors": {}}
        html = browser.get("/roadmaps/")
        assert html.status_code == 503 and "We'll be right back" in html.text
        assert "Traceback" not in html.text and "OperationalError" not in html.text
        health = httpx.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["database"] == "error"
    finally:
        embedded.ensure_postgres(site["var_dir"])

    # The same gunicorn process, not restarted: its broken connections are replaced on the next request.
    assert _wait(lambda: httpx.get(f"{base}/api/v1/me/", headers=headers, timeout=10).status_code == 200,
                 timeout=20, what="the API to recover")
    assert browser.get("/roadmaps/").status_code == 200
    assert httpx.get(f"{base}/healthz", timeout=10).json()["database"] == "ok"
