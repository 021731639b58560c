"""Redis stops, a worker dies: against the real embedded Redis and PostgreSQL and real workers.

- With Redis stopped, submitting an answer still saves it (202) and it is graded once Redis is back.
- A worker killed (SIGKILL) mid-processing of a resume leaves it retried, not stuck.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.interviews.models import Answer
from apps.resumes.models import Resume
from config import embedded
from tests.interviews.conftest import strong_answer
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration
RESUME = b"Summary\nML engineer\nExperience\nBuilt RAG systems with LangChain and FAISS, 2021 - Present\nSkills\nPython, PyTorch"


def test_with_redis_stopped_an_answer_is_saved_and_graded_once_redis_is_back(catalog_committed, api, user):
    from celery.contrib.testing.worker import start_worker

    from apps.interviews.models import Interview
    from apps.interviews.services import answers_requeue_stuck
    from config.celery import app

    app.control.purge()
    started = api.post("/api/v1/interviews/", {"round": "ml_fundamentals", "num_questions": 1}, format="json")
    interview = Interview.objects.get(pk=started.json()["id"])
    question = started.json()["current_question"]["id"]

    embedded.stop_redis(settings.VAR_DIR)
    try:
        response = api.post(f"/api/v1/interviews/{interview.pk}/answers/",
                            {"question": question, "text": strong_answer(interview)}, format="json")
        assert response.status_code == 202, response.content
        saved = Answer.objects.get(pk=response.json()["id"])
        assert saved.grading_status == "pending" and saved.text == strong_answer(interview)
        assert api.get(f"/api/v1/answers/{saved.pk}/").json()["grading_status"] == "pending"
    finally:
        embedded.ensure_redis(settings.VAR_DIR)

    # Redis is back: the periodic sweep (beat, every 2 minutes) queues what was never queued.
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      queues=["default", "grading"], shutdown_timeout=30):
        assert answers_requeue_stuck(older_than_minutes=0) == 1
        graded = wait_for(lambda: Answer.objects.filter(pk=saved.pk, grading_status="graded").first(),
                          what="the answer to be graded")
    assert graded.score is not None and graded.score > 50


def test_a_worker_killed_mid_processing_leaves_the_resume_retried_not_stuck(catalog_committed, user, tmp_path,
                                                                             settings):
    from celery.contrib.testing.worker import start_worker

    from apps.resumes import services
    from config.celery import app

    app.control.purge()
    settings.PRIVATE_UPLOAD_DIR = tmp_path / "uploads"
    prefix = app.conf.broker_transport_options["global_keyprefix"]
    log = (tmp_path / "worker.log").open("w")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings", "LLM_BACKEND": "none",
           "WORKER_TEST_DB": connection.settings_dict["NAME"], "WORKER_KEYPREFIX": prefix,
           "WORKER_UPLOAD_DIR": str(settings.PRIVATE_UPLOAD_DIR), "WORKER_RESUME_DELAY_S": "600"}
    worker = subprocess.Popen(  # a real worker process, so it can really be killed
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool=solo", "--queues=documents",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        resume = services.resume_upload(user=user, file=io.BytesIO(RESUME), filename="cv.txt",
                                         size=len(RESUME)).resume
        wait_for(lambda: Resume.objects.filter(pk=resume.pk, step="extracting").exists(), timeout=120,
                 what="the worker process to start on the resume")
    finally:
        worker.kill()  # SIGKILL mid-processing: no clean shutdown, no failure recorded
        worker.wait(timeout=30)
        log.close()
    assert Resume.objects.get(pk=resume.pk).status == "processing"

    # The periodic sweep (beat, every 5 minutes) queues it again; any worker finishes it.
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=["documents"],
                      shutdown_timeout=30):
        assert services.resumes_requeue_stuck(older_than_minutes=0) == 1
        ready = wait_for(lambda: Resume.objects.filter(pk=resume.pk, status="ready").first(), timeout=120,
                         what="the retried resume to be ready")
    assert ready.text and ready.resume_skills.exists()
