"""/metrics: Prometheus text for staff and for the cluster (a bearer token, or an allowed network) only."""

from __future__ import annotations

import ipaddress
import re

import pytest

from apps.interviews import services
from apps.interviews.models import Answer
from tests.interviews.conftest import free_port, point_llm_at, strong_answer

pytestmark = pytest.mark.django_db


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if match and match.group(1) == name and ",".join(sorted((match.group(2) or "").split(","))) == wanted:
            return float(match.group(3))
    return 0.0


def test_anonymous_callers_and_learners_may_not_read_metrics(client, anon_api, api, user):
    assert anon_api.get("/metrics").status_code == 403
    assert api.get("/metrics").status_code == 403  # a learner's API token
    client.force_login(user)
    assert client.get("/metrics").status_code == 403


def test_staff_read_request_database_and_queue_metrics(client, staff_api, staff_user):
    client.get("/healthz")
    body = staff_api.get("/metrics")
    assert body.status_code == 200 and body["Content-Type"].startswith("text/plain")
    text = body.content.decode()
    assert "django_http_requests_total_by_method_total" in text  # django-prometheus: requests
    assert "django_db_execute_total" in text  # django-prometheus: the database
    assert 'coach_queue_depth{queue="grading"}' in text
    client.force_login(staff_user)
    assert client.get("/metrics").status_code == 200


def test_the_cluster_reads_metrics_with_the_bearer_token(anon_api, settings):
    settings.METRICS_TOKEN = "scrape-s3cret"
    assert anon_api.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-s3cret").status_code == 200
    assert anon_api.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert anon_api.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403
    settings.METRICS_TOKEN = ""
    assert anon_api.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403  # no token set: no way in


def test_the_cluster_reads_metrics_from_an_allowed_network(anon_api, settings):
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert anon_api.get("/metrics", REMOTE_ADDR="10.42.7.3").status_code == 200
    assert anon_api.get("/metrics", REMOTE_ADDR="192.168.1.5").status_code == 403
    # A forwarded header is not an address: it cannot be used to look like the cluster.
    assert anon_api.get("/metrics", REMOTE_ADDR="192.168.1.5", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 403


def test_queue_depth_counts_messages_waiting(staff_api):
    from apps.interviews import tasks
    from config.celery import app

    app.control.purge()
    try:
        for _ in range(2):
            tasks.answer_grade_task.delay(0)  # no worker runs in this test: they wait in "grading"
        text = staff_api.get("/metrics").content.decode()
        assert sample(text, "coach_queue_depth", queue="grading") == 2
        assert sample(text, "coach_queue_depth", queue="documents") == 0
    finally:
        app.control.purge()


def test_grading_latency_and_llm_errors_are_counted(staff_api, user, monkeypatch, django_capture_on_commit_callbacks):
    before = staff_api.get("/metrics").content.decode()
    monkeypatch.setenv("LLM_BACKEND", "none")
    interview = services.interview_start(user=user, round="coding", num_questions=1)
    answer = services.answer_submit(interview=interview, question=interview.current_version.question,
                                    text=strong_answer(interview))
    point_llm_at(monkeypatch, f"http://127.0.0.1:{free_port()}", timeout_s=0.5)  # a judge nobody serves
    services.answer_grade(answer_id=answer.pk)
    assert Answer.objects.get(pk=answer.pk).grading_status == "provisional"
    with pytest.raises(Exception, match="cannot reach"):
        services.answer_refine(answer_id=answer.pk)
    after = staff_api.get("/metrics").content.decode()
    grades = sample(after, "coach_grading_seconds_count", grader="rubric") - sample(
        before, "coach_grading_seconds_count", grader="rubric")
    errors = sample(after, "coach_llm_errors_total", caller="judge", kind="connection") - sample(
        before, "coach_llm_errors_total", caller="judge", kind="connection")
    assert grades == 1 and errors == 1
