"""The "Mock interviews" rows of shared/API.md, graded in-process (the worker tests use Celery)."""

from __future__ import annotations

import pytest

from apps.interviews import services
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade, strong_answer

pytestmark = pytest.mark.django_db


def _start(api, **body) -> dict:
    response = api.post("/api/v1/interviews/", {"round": "ml_fundamentals", "num_questions": 2, **body}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_start_returns_the_first_question(api):
    data = _start(api)
    assert data["status"] == "active"
    assert data["next_action"] == "answer"
    question = data["current_question"]
    assert set(question) >= {"id", "prompt", "round"}
    assert question["round"] == "ml_fundamentals"
    assert Question.objects.get(pk=question["id"]).status == Question.Status.PUBLISHED


@pytest.mark.parametrize("body", [
    {"round": "cooking"}, {"round": "coding", "difficulty": 4}, {"round": "coding", "num_questions": 11},
    {"round": "coding", "num_questions": 0}, {"round": "coding", "role": 999999}, {},
])
def test_bad_start_input_is_400_with_field_errors(api, body):
    response = api.post("/api/v1/interviews/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_full_loop_without_a_role_is_400(api):
    response = api.post("/api/v1/interviews/", {"round": "loop"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["errors"]


def test_answer_is_accepted_with_202_and_pending(api, user):
    data = _start(api)
    response = api.post(f"/api/v1/interviews/{data['id']}/answers/",
                        {"question": data["current_question"]["id"], "text": "My answer."}, format="json")
    assert response.status_code == 202
    assert response.json() == {"id": response.json()["id"], "grading_status": "pending"}
    answer = Answer.objects.get(pk=response.json()["id"])
    assert answer.text == "My answer." and answer.interview.user == user
    # The interviewer waits for the grade before it asks the next question (maybe a follow-up).
    detail = api.get(f"/api/v1/interviews/{data['id']}/").json()
    assert detail["next_action"] == "wait" and detail["current_question"] is None


def test_answer_to_a_question_that_is_not_current_is_400(api):
    data = _start(api)
    other = Question.objects.filter(status="published").exclude(pk=data["current_question"]["id"]).first()
    response = api.post(f"/api/v1/interviews/{data['id']}/answers/", {"question": other.pk, "text": "x"}, format="json")
    assert response.status_code == 400
    assert "question" in response.json()["errors"]
    missing = api.post(f"/api/v1/interviews/{data['id']}/answers/", {"question": 10**9, "text": "x"}, format="json")
    assert missing.status_code == 400


def test_blank_answer_is_400(api):
    data = _start(api)
    response = api.post(f"/api/v1/interviews/{data['id']}/answers/",
                        {"question": data["current_question"]["id"], "text": "   "}, format="json")
    assert response.status_code == 400


def test_answer_to_a_finished_interview_is_409(api):
    data = _start(api)
    assert api.post(f"/api/v1/interviews/{data['id']}/finish/").status_code == 200
    response = api.post(f"/api/v1/interviews/{data['id']}/answers/",
                        {"question": data["current_question"]["id"], "text": "late"}, format="json")
    assert response.status_code == 409


def test_answer_detail_has_the_contract_fields_once_graded(api):
    data = _start(api)
    interview = Interview.objects.get(pk=data["id"])
    answer = answer_and_grade(interview)
    body = api.get(f"/api/v1/answers/{answer.pk}/").json()
    assert body["grading_status"] == "graded"
    assert body["question"] == data["current_question"]["id"]
    assert 0 <= body["score"] <= 100
    assert set(body["dimensions"]) == {"correctness", "depth", "communication"}
    assert body["key_points"] and all({"text", "covered"} <= set(kp) for kp in body["key_points"])
    assert body["feedback"] and body["grader"] == "rubric"


def test_pending_answer_has_null_score_and_dimensions(api):
    data = _start(api)
    answer_id = api.post(f"/api/v1/interviews/{data['id']}/answers/",
                         {"question": data["current_question"]["id"], "text": "Some answer."}, format="json").json()["id"]
    body = api.get(f"/api/v1/answers/{answer_id}/").json()
    assert body["grading_status"] == "pending"
    assert body["score"] is None and body["dimensions"] is None and body["key_points"] == []


def test_whole_interview_then_report(api):
    data = _start(api, num_questions=2)
    interview = Interview.objects.get(pk=data["id"])
    answer_and_grade(interview)
    interview.refresh_from_db()
    if interview.current_parent_id:  # a follow-up: answer it too
        answer_and_grade(interview)
    answer_and_grade(interview, WEAK_ANSWER)
    interview.refresh_from_db()
    if interview.current_parent_id:
        answer_and_grade(interview, WEAK_ANSWER)
    detail = api.get(f"/api/v1/interviews/{data['id']}/").json()
    assert detail["next_action"] == "finish" and detail["current_question"] is None
    assert all(a["grading_status"] == "graded" for a in detail["answers"])
    report = api.post(f"/api/v1/interviews/{data['id']}/finish/").json()
    assert set(report) >= {"score", "by_skill", "strengths", "gaps", "next_steps"}
    assert 0 <= report["score"] <= 100 and report["complete"] is True
    assert all({"slug", "score"} <= set(s) for s in report["by_skill"])
    assert len(report["questions"]) == 2
    assert all(q["reference_answer"] for q in report["questions"])
    after = api.get(f"/api/v1/interviews/{data['id']}/").json()
    assert after["status"] == "finished" and after["current_question"] is None and after["next_action"] == "done"
    # Finishing twice returns the same report.
    assert api.post(f"/api/v1/interviews/{data['id']}/finish/").json()["score"] == report["score"]


def test_list_shows_only_my_interviews(api, other_api):
    mine = _start(api)
    _start(other_api)
    body = api.get("/api/v1/interviews/").json()
    assert body["count"] == 1 and body["results"][0]["id"] == mine["id"]


def test_other_learner_gets_404_for_interview(api, other_api):
    data = _start(api)
    assert other_api.get(f"/api/v1/interviews/{data['id']}/").status_code == 404
    assert other_api.post(f"/api/v1/interviews/{data['id']}/finish/").status_code == 404
    response = other_api.post(f"/api/v1/interviews/{data['id']}/answers/",
                              {"question": data["current_question"]["id"], "text": "hi"}, format="json")
    assert response.status_code == 404
    assert Interview.objects.get(pk=data["id"]).status == "active"


def test_other_learner_gets_404_for_answer(api, other_api):
    data = _start(api)
    answer = answer_and_grade(Interview.objects.get(pk=data["id"]))
    assert api.get(f"/api/v1/answers/{answer.pk}/").status_code == 200
    assert other_api.get(f"/api/v1/answers/{answer.pk}/").status_code == 404
    assert other_api.get("/api/v1/answers/999999999/").status_code == 404


def test_anonymous_is_401(anon_api):
    assert anon_api.get("/api/v1/interviews/").status_code == 401
    assert anon_api.post("/api/v1/interviews/", {"round": "coding"}, format="json").status_code == 401


def test_topic_check_through_the_api(api):
    from apps.roadmap.models import Topic

    topic = Topic.objects.filter(skills__questions__status="published").distinct().first()
    response = api.post("/api/v1/interviews/", {"topic": topic.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "topic_check" and response.json()["num_questions"] <= 2


def test_openapi_schema_describes_the_interview_endpoints(api):
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    # Only this app's endpoints, so the test speaks for them alone (/api/schema/ serves them all).
    patterns = [path("api/v1/", include("apps.interviews.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    paths = schema["paths"]
    for url in ["/api/v1/interviews/", "/api/v1/interviews/{interview_id}/", "/api/v1/interviews/{interview_id}/answers/",
                 "/api/v1/interviews/{interview_id}/finish/", "/api/v1/answers/{answer_id}/"]:
        assert url in paths, url
    assert "202" in paths["/api/v1/interviews/{interview_id}/answers/"]["post"]["responses"]
    components = schema["components"]["schemas"]
    assert {"InterviewListInputRequest", "AnswerSubmitInputRequest", "InterviewFinishOutput", "AnswerDetailOutput"} <= set(components)


def _interview_with_answers(user, n: int) -> Interview:
    """A finished-style interview with n graded answers, built through the services."""
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=min(n, 10))
    for _ in range(n):
        interview.refresh_from_db()
        if interview.current_version_id is None:
            break
        answer_and_grade(interview, strong_answer(interview))
    return interview


@pytest.mark.parametrize("size", [1, 6])
def test_interview_detail_query_count_is_bounded(api, user, size, django_assert_max_num_queries):
    interview = _interview_with_answers(user, size)
    with django_assert_max_num_queries(4):  # token, interview, answers (3 today)
        response = api.get(f"/api/v1/interviews/{interview.pk}/")
    assert response.status_code == 200
    assert len(response.json()["answers"]) >= size


@pytest.mark.parametrize("size", [1, 8])
def test_interview_list_query_count_is_bounded(api, user, size, django_assert_max_num_queries):
    for _ in range(size):
        services.interview_start(user=user, round="coding", num_questions=1)
    with django_assert_max_num_queries(4):  # token, count, page (3 today)
        response = api.get("/api/v1/interviews/")
    assert response.json()["count"] == size
