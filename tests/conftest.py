"""Shared fixtures: users, API clients, a real Celery worker on the embedded Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real catalog (skills, tracks, roles, questions, with embeddings) once per test session.

    pytest-django runs transactional tests after the others; they flush the database, so the
    ``catalog_committed`` fixture below reloads it for them.
    """
    with django_db_blocker.unblock():
        _load_full_catalog()


def _load_full_catalog() -> None:
    from apps.careers.services import roles_embed_missing
    from apps.catalog.loader import load_catalog
    from apps.questionbank.services import questions_embed_missing

    load_catalog()
    roles_embed_missing()
    questions_embed_missing()


@pytest.fixture
def catalog_committed(transactional_db) -> None:
    """For transactional tests (live server, Celery worker): the catalog, committed for real."""
    from apps.roadmap.models import Track

    if not Track.objects.exists():
        _load_full_catalog()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True)


def _token_client(user) -> APIClient:
    client = APIClient()
    _, key = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api(user) -> APIClient:
    """An API client authenticated with the `user` fixture's token."""
    return _token_client(user)


@pytest.fixture
def other_api(other_user) -> APIClient:
    return _token_client(other_user)


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    return _token_client(staff_user)


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A real Celery worker (solo pool, in a thread) consuming every queue of the embedded Redis."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING",
        queues=["default", "grading", "llm", "documents"], shutdown_timeout=30,
    ) as worker:
        yield worker
