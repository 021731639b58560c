"""Grading with a real Celery worker on the embedded Redis: a whole interview through the API, a
grading task failing mid-way, a worker process killed with the message un-acked, and an LLM at a
dead address that comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from apps.interviews import services, tasks
from apps.interviews.models import Answer, Interview
from tests.interviews.conftest import (
    WEAK_ANSWER,
    fake_vllm_on,
    free_port,
    generous_judge,
    point_llm_at,
    strong_answer,
)
from tests.waiting import FinishedTasks, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _next_step(api, interview_id: int) -> dict:
    def ready() -> dict | None:
        detail = api.get(f"/api/v1/interviews/{interview_id}/").json()
        return detail if detail["next_action"] != "wait" else None

    return wait_for(ready, what="the interviewer's next question")


def _settled(api, answer_id: int, statuses: tuple[str, ...] = ("graded", "provisional")) -> dict | None:
    body = api.get(f"/api/v1/answers/{answer_id}/").json()
    return body if body["grading_status"] in statuses else None


def _take_interview(api, interview_id: int, texts: Callable[[Interview, dict], str]) -> list[float]:
    """Answer until the interviewer has nothing left to ask; returns submit → instant grade times."""
    latencies = []
    while (detail := _next_step(api, interview_id))["next_action"] == "answer":
        question = detail["current_question"]
        text = texts(Interview.objects.get(pk=interview_id), question)
        started = time.monotonic()
        response = api.post(f"/api/v1/interviews/{interview_id}/answers/", {"question": question["id"], "text": text},
                            format="json")
        assert response.status_code == 202 and response.json()["grading_status"] == "pending"
        answer_id = response.json()["id"]
        wait_for(lambda answer_id=answer_id: _settled(api, answer_id), what="the instant grade")
        latencies.append(time.monotonic() - started)
    assert detail["next_action"] == "finish"
    return latencies


def _partial_then_strong(interview: Interview, question: dict) -> str:
    """Misses the important key points of the first question (to draw a follow-up), strong after."""
    version = interview.current_version
    if not interview.answers.exists():
        lightest = min(range(len(version.key_points)), key=lambda i: (version.key_points[i].get("weight", 1), i))
        return version.key_points[lightest]["text"]
    return strong_answer(interview) if question["is_follow_up"] or interview.answers.count() < 3 else WEAK_ANSWER


def test_whole_interview_through_the_api_with_a_real_worker(catalog_committed, celery_worker, api, record_property):
    started = api.post("/api/v1/interviews/", {"round": "ml_fundamentals", "num_questions": 3}, format="json")
    assert started.status_code == 201
    interview_id = started.json()["id"]
    latencies = _take_interview(api, interview_id, _partial_then_strong)
    detail = api.get(f"/api/v1/interviews/{interview_id}/").json()
    answers = detail["answers"]
    assert all(a["grading_status"] in ("graded", "provisional") for a in answers)
    assert sum(1 for a in answers if a["parent"] is None) == 3
    follow_ups = [a for a in answers if a["parent"] is not None]
    assert follow_ups and follow_ups[0]["parent"] == answers[0]["id"]  # the partial first answer drew one
    report = api.post(f"/api/v1/interviews/{interview_id}/finish/").json()
    assert report["complete"] is True and 0 <= report["score"] <= 100
    assert len(report["questions"]) == 3 and report["questions"][0]["follow_up"]
    ordered = sorted(latencies)
    record_property("submit_to_instant_grade_s", [round(x, 3) for x in latencies])  # as a client sees it, polling
    stored = list(Answer.objects.filter(interview_id=interview_id).order_by("order"))
    record_property("created_to_claimed_s", [  # commit → queue → a worker starts grading
        round((a.grading_started_at - a.created_at).total_seconds(), 3) for a in stored])
    record_property("created_to_graded_s", [  # ... → rubric grade stored
        round((a.graded_at - a.created_at).total_seconds(), 3) for a in stored])
    assert ordered[len(ordered) // 2] < 3.0, latencies  # median: about a poll interval when warm


def test_grading_that_fails_midway_is_retried_and_graded_exactly_once(catalog_committed, celery_worker, user,
                                                                       monkeypatch):
    from ml.grading import rubric

    real_grade = rubric.grade_with_rubric
    calls: list[str] = []

    def crashes_once(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        calls.append("call")
        if len(calls) == 1:
            raise RuntimeError("the grader died mid-way")
        return real_grade(*args, **kwargs)

    monkeypatch.setattr(rubric, "grade_with_rubric", crashes_once)
    interview = services.interview_start(user=user, round="coding", num_questions=1)
    answer = services.answer_submit(interview=interview, question=interview.current_version.question,
                                    text=strong_answer(interview))
    # First attempt: claimed ('grading', attempts 1), then crashed: back to pending with the error noted.
    wait_for(lambda: Answer.objects.filter(pk=answer.pk, error_kind="internal").exists(), what="the crash")
    graded = wait_for(lambda: Answer.objects.filter(pk=answer.pk, grading_status="graded").first(), what="the retry")
    assert graded.attempts == 2 and len(calls) == 2
    assert graded.error_kind == "" and graded.graded_at is not None
    # A duplicate delivery (or a re-queue) stores nothing new: wait until both have run, then look.
    with FinishedTasks() as finished:
        duplicate = tasks.answer_grade_task.delay(answer.pk)
        requeue = tasks.requeue_stuck_answers_task.delay(0)
        _, requeued = finished.wait(duplicate.id, requeue.id)
    assert requeued == 0  # a graded answer is not stuck
    again = Answer.objects.get(pk=answer.pk)
    assert (again.attempts, again.graded_at, again.score) == (2, graded.graded_at, graded.score)
    assert Interview.objects.get(pk=interview.pk).awaiting_answer_id is None  # the interviewer moved on


def test_requeue_picks_up_answers_stuck_in_grading(catalog_committed, celery_worker, user):
    """An answer left 'grading' by a lost worker (no message left to redeliver) is graded by the periodic task."""
    interview = services.interview_start(user=user, round="coding", num_questions=1)
    stale = timezone.now() - timedelta(minutes=services.STUCK_AFTER_MINUTES + 1)
    answer = Answer.objects.create(
        interview=interview, question_version=interview.current_version, prompt="p", text=strong_answer(interview),
        order=1, grading_status="grading", attempts=1, grading_started_at=stale,
    )
    fresh = Answer.objects.create(
        interview=Interview.objects.create(user=user, round="coding", num_questions=1),
        question_version=interview.current_version, prompt="p", text="x", order=1, grading_status="grading",
        attempts=1, grading_started_at=timezone.now(),
    )
    tasks.requeue_stuck_answers_task.delay()
    graded = wait_for(lambda: Answer.objects.filter(pk=answer.pk, grading_status="graded").first(), what="requeue")
    assert graded.attempts == 2
    assert Answer.objects.get(pk=fresh.pk).grading_status == "grading"  # still within its time


def test_worker_killed_mid_grade_leaves_the_message_unacked_and_a_restarted_worker_grades_once(
    catalog_committed, user, monkeypatch, tmp_path
):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    prefix = app.conf.broker_transport_options["global_keyprefix"]
    log = (tmp_path / "worker.log").open("w")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.interviews.worker_settings", "LLM_BACKEND": "none",
           "WORKER_TEST_DB": connection.settings_dict["NAME"], "WORKER_KEYPREFIX": prefix,
           "WORKER_GRADE_DELAY_S": "600", "MODEL_WARMUP": "0"}  # warm-up grades once: it would hit the delay
    worker = subprocess.Popen(  # a real worker process, so it can really be killed
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool=solo", "--queues=grading",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        interview = services.interview_start(user=user, round="coding", num_questions=1)
        answer = services.answer_submit(interview=interview, question=interview.current_version.question,
                                        text=strong_answer(interview))
        wait_for(lambda: Answer.objects.filter(pk=answer.pk, grading_status="grading").exists(), timeout=120,
                 what="the worker process to claim the answer")
    finally:
        worker.kill()  # SIGKILL: no clean shutdown, the message stays un-acked in Redis
        worker.wait(timeout=30)
        log.close()
    claimed = Answer.objects.get(pk=answer.pk)
    assert claimed.grading_status == "grading" and claimed.attempts == 1 and claimed.graded_at is None

    # A new worker. Redis hands an un-acked message out again once its visibility timeout has passed.
    monkeypatch.setitem(app.conf, "broker_transport_options", {
        **app.conf.broker_transport_options, "visibility_timeout": 2, "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    })
    time.sleep(2.5)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=["grading"],
                      shutdown_timeout=30):
        graded = wait_for(lambda: Answer.objects.filter(pk=answer.pk, grading_status="graded").first(), timeout=60,
                          what="the redelivered message to be graded")
        time.sleep(3.0)  # any further redelivery finds it graded
    final = Answer.objects.get(pk=answer.pk)
    assert final.attempts >= 2 and final.graded_at == graded.graded_at and final.score == graded.score
    assert Interview.objects.get(pk=interview.pk).awaiting_answer_id is None


def test_dead_llm_gives_provisional_grades_that_refine_when_it_comes_back(catalog_committed, celery_worker, api,
                                                                          monkeypatch):
    port = free_port()
    point_llm_at(monkeypatch, f"http://127.0.0.1:{port}", timeout_s=1.0)
    interview_id = api.post("/api/v1/interviews/", {"round": "llm_deep_dive", "num_questions": 2},
                            format="json").json()["id"]
    _take_interview(api, interview_id, lambda interview, question: strong_answer(interview))
    answer_ids = list(Answer.objects.filter(interview_id=interview_id).values_list("pk", flat=True))
    # The judge is unreachable: the rubric grades stand as provisional, the refine task said why.
    wait_for(lambda: Answer.objects.filter(pk__in=answer_ids, grading_status="provisional",
                                           error_kind="connection").count() == len(answer_ids), what="LLM errors")
    assert services.answers_refine_provisional() == 0  # the health probe fails: nothing queued
    report = api.post(f"/api/v1/interviews/{interview_id}/finish/").json()
    assert report["complete"] is True  # provisional grades count; the report refreshes when they refine

    with fake_vllm_on(port, reply=generous_judge, expect_schema=True) as server:
        tasks.refine_provisional_task.delay()  # what beat runs every 5 minutes
        wait_for(lambda: Answer.objects.filter(pk__in=answer_ids, grading_status="graded").count() == len(answer_ids),
                 what="refined grades")
        assert server.violations == []
    refined = list(Answer.objects.filter(pk__in=answer_ids))
    assert all(a.grader == "rubric+llm" and a.refined_at and a.error_kind == "" for a in refined)
    assert all(a.rubric_grade["grader"] == "rubric" for a in refined)
    interview = Interview.objects.get(pk=interview_id)
    graded_scores = {a.pk: a.score for a in refined}
    reported = {q["answer"]["id"]: q["answer"]["score"] for q in interview.report["questions"]}
    assert all(reported[k] == v for k, v in graded_scores.items() if k in reported)
