"""The question endpoints of shared/API.md, as staff (the permission matrix is in test_permissions.py)."""

import pytest

from apps.questionbank import tasks
from apps.questionbank.models import Question
from tests.questionbank.conftest import BANK_KEY, make_answer, make_question

pytestmark = pytest.mark.django_db

NEW = {
    "prompt": "Why does a KV cache make autoregressive decoding faster, and what does it cost?",
    "round": "llm_deep_dive",
    "difficulty": 2,
    "skills": ["llm-serving"],
    "key_points": [
        {"text": "The cache keeps each past token's keys and values so they are not recomputed", "weight": 3},
        {"text": "Each new token then needs attention over the cache only, not a full forward pass over the prefix"},
        {"text": "The price is memory that grows with sequence length and batch size", "weight": 2},
    ],
    "reference_answer": "Keys and values of past tokens are cached.",
}


def test_create_then_read_a_question(staff_api, staff_user):
    response = staff_api.post("/api/v1/questions/", NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["source"] == "authored"
    assert body["key_points"][1] == {"id": "k2", "text": NEW["key_points"][1]["text"], "weight": 1.0, "follow_up": ""}
    assert body["skills"] == ["llm-serving"]
    question = Question.objects.get(pk=body["id"])
    assert question.created_by == staff_user and question.current_version.created_by == staff_user
    assert staff_api.get(f"/api/v1/questions/{body['id']}/").json() == body


@pytest.mark.parametrize(("change", "field"), [
    ({"round": "poetry"}, "round"),
    ({"difficulty": 4}, "difficulty"),
    ({"key_points": []}, "key_points"),
    ({"key_points": [{"text": "x", "weight": 0}]}, "key_points.0.weight"),
    ({"skills": ["no-such-skill"]}, "skills"),
    ({"prompt": ""}, "prompt"),
    ({"status": "retired"}, "status"),
])
def test_create_rejects_bad_input_with_400_and_the_field(change, field, staff_api):
    response = staff_api.post("/api/v1/questions/", {**NEW, **change}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert any(name.startswith(field) for name in body["errors"]), body
    assert body["detail"]


def test_a_taken_key_is_a_400(staff_api):
    response = staff_api.post("/api/v1/questions/", {**NEW, "key": BANK_KEY}, format="json")
    assert response.status_code == 400 and "key" in response.json()["errors"]


def test_patch_makes_a_new_version_and_answers_keep_theirs(staff_api, staff_user, user):
    question = make_question(user=staff_user)
    answer = make_answer(question.current_version, user, score=55)
    response = staff_api.patch(f"/api/v1/questions/{question.pk}/", {"prompt": "A reworded prompt about tickets."},
                               format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    answer.refresh_from_db()
    assert answer.question_version.number == 1
    assert answer.question_version.prompt.startswith("Describe how you would deduplicate")
    versions = staff_api.get(f"/api/v1/questions/{question.pk}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    same = staff_api.patch(f"/api/v1/questions/{question.pk}/", {"difficulty": 3}, format="json").json()
    assert same["version"] == 2 and same["difficulty"] == 3


def test_patch_rejects_bad_input(staff_api, staff_user):
    question = make_question(user=staff_user)
    assert staff_api.patch(f"/api/v1/questions/{question.pk}/", {"difficulty": "hard"}, format="json").status_code == 400
    assert staff_api.patch(f"/api/v1/questions/{question.pk}/", {"key": BANK_KEY}, format="json").status_code == 400
    assert staff_api.patch("/api/v1/questions/999999/", {"difficulty": 1}, format="json").status_code == 404


def test_delete_removes_an_unanswered_question_and_retires_an_answered_one(staff_api, staff_user, user):
    fresh = make_question(user=staff_user)
    assert staff_api.delete(f"/api/v1/questions/{fresh.pk}/").status_code == 204
    assert not Question.objects.filter(pk=fresh.pk).exists()
    answered = make_question(user=staff_user, prompt="An answered question about caching embeddings.")
    make_answer(answered.current_version, user, score=90)
    response = staff_api.delete(f"/api/v1/questions/{answered.pk}/")
    assert response.status_code == 200 and response.json()["status"] == "retired"


def test_list_filters_search_and_paginates(staff_api, api):
    everything = staff_api.get("/api/v1/questions/").json()
    assert everything["count"] >= 150 and len(everything["results"]) == 20 and everything["next"]
    coding = staff_api.get("/api/v1/questions/?round=coding&difficulty=1").json()
    assert coding["count"] > 0
    assert all(q["round"] == "coding" and q["difficulty"] == 1 for q in coding["results"])
    rag = staff_api.get("/api/v1/questions/?skill=rag&page_size=100").json()
    assert rag["count"] > 0 and all("rag" in q["skills"] for q in rag["results"])
    found = staff_api.get("/api/v1/questions/?q=bias-variance").json()
    assert [q["key"] for q in found["results"]] == [BANK_KEY]
    assert api.get("/api/v1/questions/?q=BIAS-VARIANCE trade-off").json()["count"] == 1
    assert staff_api.get("/api/v1/questions/?round=poetry").status_code == 400
    assert staff_api.get("/api/v1/questions/?difficulty=x").status_code == 400
    assert staff_api.get("/api/v1/questions/?page=9999").status_code == 404


def test_similar_returns_a_paraphrased_duplicate_first(staff_api, bank_question):
    paraphrase = {
        "prompt": "Describe the trade-off between bias and variance. How can training and validation errors "
                  "tell you which of the two is holding your model back, and what would you do in each case?",
        "round": "ml_fundamentals",
        "key_points": [{"text": "High bias shows as high training and validation error"}],
    }
    created = staff_api.post("/api/v1/questions/", paraphrase, format="json").json()
    tasks.question_embed_task(created["id"])  # what the "documents" worker does after the commit

    similar = staff_api.get(f"/api/v1/questions/{bank_question.pk}/similar/").json()
    assert similar[0]["id"] == created["id"], similar[:3]
    assert 0.8 <= similar[0]["similarity"] <= 1
    assert all(0 <= s["similarity"] <= 1 for s in similar)
    assert [s["similarity"] for s in similar] == sorted((s["similarity"] for s in similar), reverse=True)
    back = staff_api.get(f"/api/v1/questions/{created['id']}/similar/?limit=3").json()
    assert back[0]["id"] == bank_question.pk and len(back) == 3
    assert staff_api.get(f"/api/v1/questions/{bank_question.pk}/similar/?limit=0").status_code == 400


def test_similar_works_before_the_worker_has_embedded_the_question(staff_api, bank_question):
    created = staff_api.post("/api/v1/questions/", {**NEW, "prompt": bank_question.current_version.prompt},
                             format="json").json()
    similar = staff_api.get(f"/api/v1/questions/{created['id']}/similar/").json()
    assert similar[0]["id"] == bank_question.pk and similar[0]["similarity"] > 0.99


def test_try_returns_the_grade_shape_and_stores_nothing(staff_api, bank_question):
    from apps.interviews.models import Answer

    response = staff_api.post(f"/api/v1/questions/{bank_question.pk}/try/", {
        "text": "High variance means overfitting: the training error is low but the validation error is much higher.",
    }, format="json")
    assert response.status_code == 200, response.content
    grade = response.json()
    assert {"score", "dimensions", "key_points", "feedback", "grader"} <= set(grade)
    assert 0 <= grade["score"] <= 100 and set(grade["dimensions"]) == {"correctness", "depth", "communication"}
    assert {"text", "covered", "evidence", "similarity"} <= set(grade["key_points"][0])
    assert any(kp["covered"] for kp in grade["key_points"])
    assert Answer.objects.count() == 0
    assert staff_api.post(f"/api/v1/questions/{bank_question.pk}/try/", {"text": ""}, format="json").status_code == 400
    assert staff_api.post(f"/api/v1/questions/{bank_question.pk}/try/", {}, format="json").status_code == 400


def test_bulk_status(staff_api, staff_user, draft_question):
    response = staff_api.post("/api/v1/questions/status/", {"ids": [draft_question.pk], "status": "published"}, format="json")
    assert response.json() == {"changed": 1}
    assert staff_api.post("/api/v1/questions/status/", {"ids": [], "status": "published"}, format="json").status_code == 400
    bad = staff_api.post("/api/v1/questions/status/", {"ids": [draft_question.pk], "status": "gone"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_drafting_needs_an_llm(staff_api):
    response = staff_api.post("/api/v1/questions/drafts/", {"skill": "rag", "round": "llm_deep_dive"}, format="json")
    assert response.status_code == 409 and "LLM" in response.json()["detail"]
    bad = staff_api.post("/api/v1/questions/drafts/", {"skill": "nope", "round": "llm_deep_dive"}, format="json")
    assert bad.status_code == 400


def test_openapi_schema_describes_the_question_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from apps.questionbank.api.urls import urlpatterns

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache  # check --deploy would fail
    paths = set(schema["paths"])
    for path in ("/questions/", "/questions/{id}/", "/questions/import/", "/questions/export/",
                 "/questions/{id}/similar/", "/questions/{id}/try/"):
        assert path in paths, paths


def test_the_nearest_question_query_can_use_the_hnsw_index(bank_question):
    from django.db import connection

    from apps.questionbank.selectors import nearest_questions

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the bank is small enough that a scan is cheaper
        plan = nearest_questions(vector=bank_question.embedding, exclude=bank_question)[:5].explain()
    assert "question_embedding_hnsw" in plan, plan
