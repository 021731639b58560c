"""Query counts of the list page and the list API stay flat as the page grows (no N+1)."""

import pytest

from apps.questionbank.models import Question
from tests.questionbank.conftest import make_answer

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 7
API_QUERIES = 4


@pytest.fixture
def answered(user):
    """Answers on many questions, so per-row statistics would show up as extra queries."""
    for question in Question.objects.select_related("current_version").filter(round="behavioral")[:12]:
        make_answer(question.current_version, user, score=60)


@pytest.mark.parametrize("query", ["?q=bias-variance", "?round=behavioral", ""])
def test_list_page_queries_are_bounded(query, client, staff_user, answered, django_assert_max_num_queries):
    client.force_login(staff_user)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"/questions/{query}")
    assert response.status_code == 200
    assert len(response.context["rows"]) in (1, 22, 25)


@pytest.mark.parametrize("page_size", [3, 100])
@pytest.mark.parametrize("who", ["staff_api", "api"])
def test_list_api_queries_are_bounded(who, page_size, request, django_assert_max_num_queries):
    client = request.getfixturevalue(who)
    with django_assert_max_num_queries(API_QUERIES):
        response = client.get(f"/api/v1/questions/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("round_", ["coding", "llm_deep_dive"])
def test_export_queries_are_bounded(round_, staff_api, django_assert_max_num_queries):
    with django_assert_max_num_queries(API_QUERIES):
        rows = staff_api.get(f"/api/v1/questions/export/?round={round_}").json()
    assert len(rows) >= 20


def test_review_queue_queries_are_bounded(client, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    with django_assert_max_num_queries(8):
        assert client.get("/questions/drafts/").status_code == 200
