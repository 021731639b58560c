"""LLM-drafted questions, against the fake `vllm serve` of tests/ml/fake_vllm.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.questionbank import tasks
from apps.questionbank.models import Question, QuestionDraftJob
from tests.ml.fake_vllm import FakeVLLMServer, Scripted

pytestmark = pytest.mark.django_db


def drafted_questions(body: dict) -> dict:
    """The fake LLM's reply: as many questions as the schema allows."""
    count = body["response_format"]["json_schema"]["schema"]["properties"]["questions"]["maxItems"]
    return {"questions": [
        {
            "prompt": f"Draft {n}: how does a reranker improve a retrieval-augmented generation pipeline?",
            "difficulty": 2,
            "key_points": [
                {"text": f"A cross-encoder reranker scores each query and passage pair jointly ({n})", "weight": 3,
                 "follow_up": "What does a cross-encoder see that a bi-encoder does not?"},
                {"text": "Reranking a shortlist from a fast retriever trades latency for precision", "weight": 2,
                 "follow_up": "Why not rerank the whole corpus?"},
                {"text": "Better ordering puts the relevant passages inside the context window", "weight": 1,
                 "follow_up": "Why does the order of passages in the context matter?"},
            ],
            "reference_answer": "Retrieve broadly, then **rerank** the shortlist with a cross-encoder.",
        }
        for n in range(1, count + 1)
    ]}


@pytest.fixture
def llm(monkeypatch, settings) -> Iterator[FakeVLLMServer]:
    with FakeVLLMServer(reply=drafted_questions, expect_schema=True) as server:
        for name, value in {"LLM_BACKEND": "openai", "LLM_BASE_URL": server.base_url, "LLM_MODEL": server.model,
                            "LLM_TIMEOUT_S": "2", "LLM_MAX_RETRIES": "1"}.items():
            monkeypatch.setenv(name, value)
        settings.LLM_BACKEND = "openai"
        yield server


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _request_drafts(staff_client, django_capture_on_commit_callbacks, count: int = 3) -> QuestionDraftJob:
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post("/questions/drafts/", {"skill": "rag", "round": "llm_deep_dive",
                                                            "difficulty": 2, "count": count})
    assert response.status_code == 302, response.content.decode()[:1000]
    assert len(callbacks) == 1  # the task is queued only after the job row is committed
    return QuestionDraftJob.objects.get()


def test_drafts_are_stored_as_drafts_for_review_and_never_published(llm, staff_client, django_capture_on_commit_callbacks):
    job = _request_drafts(staff_client, django_capture_on_commit_callbacks)
    assert job.status == "queued"
    tasks.question_drafts_generate_task.apply(args=[job.pk]).get()  # what the "llm" worker runs

    job.refresh_from_db()
    assert (job.status, job.created_count, job.error) == ("done", 3, "")
    assert llm.violations == []
    request = llm.chat_requests[0]
    assert "Retrieval-augmented generation" in request["messages"][1]["content"]
    assert request["response_format"]["json_schema"]["name"] == "question_drafts"
    drafts = Question.objects.filter(source=Question.Source.LLM_DRAFTED)
    assert drafts.count() == 3
    assert set(drafts.values_list("status", flat=True)) == {"draft"}
    assert all(list(q.skills.values_list("slug", flat=True)) == ["rag"] for q in drafts)
    assert all(len(q.current_version.key_points) == 3 for q in drafts)

    queue = staff_client.get("/questions/drafts/").content.decode()
    assert "Draft 1: how does a reranker" in queue and "Publish selected" in queue
    # Running the task again (a redelivery) drafts nothing more.
    tasks.question_drafts_generate_task.apply(args=[job.pk]).get()
    assert Question.objects.filter(source=Question.Source.LLM_DRAFTED).count() == 3
    # Only a staff click publishes.
    first = drafts.order_by("pk").first()
    staff_client.post("/questions/bulk/", {"ids": [first.pk], "action": "publish", "confirmed": "1"})
    assert Question.objects.get(pk=first.pk).status == "published"
    assert drafts.filter(status="published").count() == 1


def test_drafts_can_be_requested_through_the_api(llm, staff_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_api.post("/api/v1/questions/drafts/", {"skill": "rag", "round": "llm_deep_dive", "count": 2},
                                  format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued" and len(callbacks) == 1
    tasks.question_drafts_generate_task.apply(args=[response.json()["id"]]).get()
    assert Question.objects.filter(source=Question.Source.LLM_DRAFTED, status="draft").count() == 2


def test_a_malformed_reply_fails_the_job_and_stores_nothing(llm, staff_client, django_capture_on_commit_callbacks):
    job = _request_drafts(staff_client, django_capture_on_commit_callbacks)
    llm.script(Scripted(content="not json at all"), Scripted(content='{"questions": "nope"}'))
    tasks.question_drafts_generate_task.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.status == "failed" and "not usable" in job.error
    assert not Question.objects.filter(source=Question.Source.LLM_DRAFTED).exists()
    assert "not usable" in staff_client.get("/questions/drafts/").content.decode()


def test_invalid_drafts_are_skipped_with_a_reason(llm, staff_client, django_capture_on_commit_callbacks):
    job = _request_drafts(staff_client, django_capture_on_commit_callbacks, count=2)
    reply = drafted_questions({"response_format": {"json_schema": {"schema": {"properties": {"questions": {"maxItems": 2}}}}}})
    reply["questions"][1]["key_points"][1]["text"] = reply["questions"][1]["key_points"][0]["text"]  # a repeated point
    llm.reply = reply
    tasks.question_drafts_generate_task.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 1)
    assert "Draft 2" in job.error and "same text" in job.error


def test_an_unreachable_llm_is_retried_then_the_job_fails(llm, staff_client, django_capture_on_commit_callbacks):
    job = _request_drafts(staff_client, django_capture_on_commit_callbacks)
    llm.script(*[Scripted(status=503)] * 20)
    result = tasks.question_drafts_generate_task.apply(args=[job.pk])
    assert result.successful()
    job.refresh_from_db()
    assert job.status == "failed" and "could not be reached" in job.error
    # 1 + max_retries task attempts, each with 1 + LLM_MAX_RETRIES requests.
    assert len(llm.chat_requests) == (1 + tasks.question_drafts_generate_task.max_retries) * 2
