"""Deleting a resume removes everything derived from its text, the LLM's question about a project on it too."""

from __future__ import annotations

import pytest

from apps.interviews import services, tasks
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question
from tests.interviews.conftest import answer_and_grade, point_llm_at
from tests.interviews.test_project_question import _start, project_reply
from tests.ml.fake_vllm import FakeVLLMServer
from tests.privacy.conftest import stored_files, tables_containing

pytestmark = pytest.mark.django_db


def _answered_project_question(user, monkeypatch, django_capture_on_commit_callbacks) -> Interview:
    with FakeVLLMServer(reply=project_reply(), expect_schema=True) as server:
        point_llm_at(monkeypatch, server.url)
        interview = _start(user, django_capture_on_commit_callbacks, num_questions=3)
        tasks.interview_project_question_task.apply(args=[interview.pk]).get()
    monkeypatch.setenv("LLM_BACKEND", "none")
    answer_and_grade(interview)  # a bank question
    answer_and_grade(interview)  # the project question ("In DocuQuest, why ...")
    interview.refresh_from_db()
    assert interview.project_question is not None
    assert Answer.objects.filter(interview=interview, prompt__contains="DocuQuest").exists()
    return interview


def test_deleting_a_resume_erases_the_project_question_and_answers_to_it(
        api, user, monkeypatch, django_capture_on_commit_callbacks, private_uploads):
    interview = _answered_project_question(user, monkeypatch, django_capture_on_commit_callbacks)
    assert tables_containing("DocuQuest")  # the resume text, the question, the answer's prompt

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/resumes/{interview.resume_id}/")
    assert response.status_code == 204

    assert tables_containing("DocuQuest") == {}
    assert not Question.objects.filter(source=Question.Source.RESUME).exists()
    assert stored_files(private_uploads) == []
    interview.refresh_from_db()
    # The learner's practice on bank questions stays, and the interview goes on with a bank question.
    assert interview.answers.count() == 1 and interview.focus_skills == []
    assert interview.current_version is not None
    assert interview.current_version.question.source != Question.Source.RESUME


def test_a_finished_interview_keeps_a_report_without_the_erased_answers(
        api, user, monkeypatch, django_capture_on_commit_callbacks):
    interview = _answered_project_question(user, monkeypatch, django_capture_on_commit_callbacks)
    services.interview_finish(interview=interview)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/v1/resumes/{interview.resume_id}/").status_code == 204
    interview.refresh_from_db()
    assert interview.status == "finished" and interview.score is not None
    assert "DocuQuest" not in str(interview.report)
    assert tables_containing("DocuQuest") == {}
