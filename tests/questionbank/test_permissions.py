"""The permission matrix of every question endpoint: anonymous 401, learner (reads published only), staff."""

import pytest

from apps.questionbank.models import Question
from tests.questionbank.conftest import make_question

pytestmark = pytest.mark.django_db

RUBRIC_FIELDS = {"key_points", "reference_answer", "follow_up_hints", "key"}
NEW_QUESTION = {
    "prompt": "Explain what a KV cache stores during autoregressive decoding and why it helps.",
    "round": "llm_deep_dive",
    "difficulty": 2,
    "skills": ["llm-serving"],
    "key_points": [{"text": "It stores the keys and values of past tokens", "weight": 3}],
}


@pytest.fixture
def questions(staff_user):
    published = make_question(user=staff_user)
    draft = make_question(user=staff_user, status="draft", prompt="A draft prompt about rate limiting LLM APIs.")
    retired = make_question(user=staff_user, prompt="A retired prompt about tokenizer quirks.")
    retired.status = Question.Status.RETIRED
    retired.save(update_fields=["status"])
    return {"published": published, "draft": draft, "retired": retired}


def _requests(questions):
    """(name, method, url, body) for every endpoint, on the published question."""
    pk = questions["published"].pk
    return [
        ("list", "get", "/api/v1/questions/", None),
        ("create", "post", "/api/v1/questions/", NEW_QUESTION),
        ("detail", "get", f"/api/v1/questions/{pk}/", None),
        ("update", "patch", f"/api/v1/questions/{pk}/", {"difficulty": 3}),
        ("similar", "get", f"/api/v1/questions/{pk}/similar/", None),
        ("try", "post", f"/api/v1/questions/{pk}/try/", {"text": "It stores keys and values."}),
        ("versions", "get", f"/api/v1/questions/{pk}/versions/", None),
        ("import", "post", "/api/v1/questions/import/?dry_run=1", [NEW_QUESTION]),
        ("export", "get", "/api/v1/questions/export/", None),
        ("status", "post", "/api/v1/questions/status/", {"ids": [pk], "status": "retired"}),
        ("drafts", "post", "/api/v1/questions/drafts/", {"skill": "rag", "round": "llm_deep_dive"}),
        ("delete", "delete", f"/api/v1/questions/{pk}/", None),  # last: it removes the question
    ]


LEARNER_ALLOWED = {"list": 200, "detail": 200, "similar": 200}
STAFF_EXPECTED = {"create": 201, "delete": 204, "drafts": 409}  # drafts: no LLM is configured in tests


@pytest.mark.parametrize("who", ["anonymous", "learner", "staff"])
def test_permission_matrix(who, questions, anon_api, api, staff_api):
    client = {"anonymous": anon_api, "learner": api, "staff": staff_api}[who]
    for name, method, url, body in _requests(questions):
        response = getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
        if who == "anonymous":
            expected = 401
        elif who == "learner":
            expected = LEARNER_ALLOWED.get(name, 403)
        else:
            expected = STAFF_EXPECTED.get(name, 200)
        assert response.status_code == expected, (who, name, response.status_code, response.content[:300])
        if response.status_code >= 400:
            assert "detail" in response.json()


@pytest.mark.parametrize("state", ["draft", "retired"])
@pytest.mark.parametrize("suffix", ["", "similar/"])
def test_learner_gets_404_for_drafts_and_retired_questions(state, suffix, questions, api, staff_api):
    url = f"/api/v1/questions/{questions[state].pk}/{suffix}"
    assert api.get(url).status_code == 404
    assert staff_api.get(url).status_code == 200


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_learner_writes_are_403_even_on_questions_they_cannot_see(method, questions, api):
    response = getattr(api, method)(f"/api/v1/questions/{questions['draft'].pk}/", {"difficulty": 1}, format="json")
    assert response.status_code == 403
    assert api.get("/api/v1/questions/999999/").status_code == 404


def test_learners_never_see_rubrics_or_reference_answers(questions, api):
    listing = api.get("/api/v1/questions/?page_size=100").json()
    assert listing["count"] >= 1
    for item in listing["results"]:
        assert not RUBRIC_FIELDS & set(item), item
    ids = {item["id"] for item in api.get("/api/v1/questions/?page_size=100&q=prompt").json()["results"]}
    assert questions["draft"].pk not in ids and questions["retired"].pk not in ids
    detail = api.get(f"/api/v1/questions/{questions['published'].pk}/").json()
    assert set(detail) == {"id", "prompt", "round", "difficulty", "skills"}
    for item in api.get(f"/api/v1/questions/{questions['published'].pk}/similar/").json():
        assert not RUBRIC_FIELDS & set(item)
        assert Question.objects.get(pk=item["id"]).status == "published"


def test_learner_status_filter_cannot_reveal_drafts(questions, api):
    body = api.get("/api/v1/questions/?status=draft").json()
    assert body["count"] == 0


def test_staff_see_the_rubric(questions, staff_api):
    detail = staff_api.get(f"/api/v1/questions/{questions['draft'].pk}/").json()
    assert {"key_points", "reference_answer", "follow_up_hints", "key", "status", "version"} <= set(detail)
    assert detail["key_points"][0] == {"id": "k1", "text": "Embed each ticket and compare vectors with cosine similarity",
                                       "weight": 3.0, "follow_up": ""}
    assert detail["key_points"][2]["follow_up"] == "How would you choose the threshold?"
