"""Tests: the embedded servers, a private Redis per test session, fast hashing."""

import os
from pathlib import Path

# Tests get their own embedded servers (var/test/) so a running `make run` never sees test data.
os.environ.setdefault("VAR_DIR", str(Path(__file__).resolve().parents[2] / "var" / "test"))

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each pytest process gets its own test database so parallel runs do not collide.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", f"test_llmcoach_{os.getpid()}")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_UPLOAD_DIR = VAR_DIR / "test_uploads" / str(os.getpid())
ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip,3/5m/key", "signup": "1000/m/ip", "reset_password": "100/m/ip"}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    "anon": "1000/min", "user": "10000/min", "auth": "1000/min", "uploads": "1000/min"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Parallel pytest processes share the test Redis; a key prefix keeps their queues apart.
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": f"t{os.getpid()}:"}
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"t{os.getpid()}"}}  # noqa: F405
