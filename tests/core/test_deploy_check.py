import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _clean_environ() -> dict[str, str]:
    # The browser tests allow sync ORM calls from Playwright's event loop; production never does.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_with_production_settings_reports_nothing():
    env = {
        **_clean_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "x7#k2!m9" * 8,
        "ALLOWED_HOSTS": "coach.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = {**_clean_environ(), "DJANGO_SETTINGS_MODULE": "config.settings.prod", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
