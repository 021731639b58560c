"""With a real Celery worker: re-embedding after commit (queue "documents") and LLM drafts (queue "llm")."""

from __future__ import annotations

import pytest

from apps.questionbank.models import Question, QuestionDraftJob
from tests.ml.fake_vllm import FakeVLLMServer
from tests.questionbank.test_drafts import drafted_questions
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_embeds_a_new_question_and_it_shows_up_as_a_near_duplicate(catalog_committed, celery_worker, staff_api):
    bank = Question.objects.select_related("current_version").get(key="mlf-bias-variance")
    created = staff_api.post("/api/v1/questions/", {
        "prompt": "Talk me through the bias versus variance trade-off: which training and validation errors tell "
                  "you that one of them limits your model, and how would you fix each?",
        "round": "ml_fundamentals",
        "key_points": [{"text": "High bias shows as high training and validation error", "weight": 2}],
    }, format="json").json()
    wait_for(lambda: Question.objects.filter(pk=created["id"], embedding__isnull=False).exists())
    similar = staff_api.get(f"/api/v1/questions/{bank.pk}/similar/").json()
    assert similar[0]["id"] == created["id"] and similar[0]["similarity"] >= 0.8

    staff_api.patch(f"/api/v1/questions/{created['id']}/", {"prompt": "How do you design a URL shortener?"},
                    format="json")
    wait_for(lambda: Question.objects.filter(pk=created["id"], embedding__isnull=False).exists())
    assert staff_api.get(f"/api/v1/questions/{bank.pk}/similar/").json()[0]["id"] != created["id"]


def test_worker_drafts_questions_with_the_llm(catalog_committed, celery_worker, staff_api, monkeypatch, settings):
    with FakeVLLMServer(reply=drafted_questions, expect_schema=True) as server:
        monkeypatch.setenv("LLM_BACKEND", "openai")
        monkeypatch.setenv("LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("LLM_MODEL", server.model)
        settings.LLM_BACKEND = "openai"
        response = staff_api.post("/api/v1/questions/drafts/", {"skill": "rag", "round": "llm_deep_dive", "count": 2},
                                  format="json")
        assert response.status_code == 202
        wait_for(lambda: QuestionDraftJob.objects.filter(pk=response.json()["id"], status="done").exists())
        assert server.violations == []
    assert Question.objects.filter(source="llm_drafted", status="draft").count() == 2
