"""Schemathesis fuzzes every operation of /api/schema/ as a learner and as staff: no 5xx, ever.

Requests go through the real WSGI application in-process (real PostgreSQL, inside the test's
transaction), so ~1,500 generated requests take under a minute. FUZZ_EXAMPLES=100 fuzzes harder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
# DELETE is fuzzed on the learner's own objects (portfolio, resumes) only: not on the catalog the
# other operations need, nor on the account the requests are made with.
CATALOG_AND_ACCOUNT = r"^/api/v1/(questions|roles|companies|tracks|skills|projects)/|^/api/v1/me/$"
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_schema() -> Iterator[schemathesis.BaseSchema]:
    from config.wsgi import application

    # The WSGI handler closes "obsolete" connections around each request, which would end the
    # test's transaction; Django's own test client disconnects the same signal handler.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
        yield schema.exclude(method="DELETE", path_regex=CATALOG_AND_ACCOUNT)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(schema: schemathesis.BaseSchema, *, is_staff: bool) -> tuple[list[str], int]:
    """Run every operation's generated requests; return one line per operation that failed, and how
    many requests were sent."""
    user = UserFactory(is_staff=is_staff)
    headers = {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"}
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=EXAMPLES, phases=[Phase.explicit, Phase.generate], deadline=None,
            derandomize=True, suppress_health_check=list(HealthCheck), database=None,
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            nonlocal sent
            sent += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # Schemathesis raises a FailureGroup per operation
            failures.append(f"{operation.label}: {str(exc)[:2500]}")
    return failures, sent


@pytest.mark.parametrize("is_staff", [False, True], ids=["learner", "staff"])
def test_fuzzed_api_never_answers_5xx_or_off_schema(api_schema, is_staff):
    failures, sent = _fuzz(api_schema, is_staff=is_staff)
    assert not failures, "\n\n".join(failures)
    assert sent >= 15 * EXAMPLES, f"only {sent} requests were generated"
    print(f"{'staff' if is_staff else 'learner'}: {sent} requests, no 5xx, no schema violation")  # noqa: T201
