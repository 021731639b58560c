"""The interview pages: start, one question at a time (htmx), the self-polling grade, report, history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.interviews import services
from apps.interviews.models import Interview
from apps.questionbank.models import QuestionVersion
from apps.roadmap.models import Topic
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade, strong_answer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def browser(client, user):
    client.force_login(user)
    return client


def _finished_interview(user, *, texts=(None, WEAK_ANSWER)) -> Interview:
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=len(texts))
    for text in texts:
        interview.refresh_from_db()
        answer_and_grade(interview, text)
        interview.refresh_from_db()
        if interview.current_parent_id:
            answer_and_grade(interview, WEAK_ANSWER)
    return services.interview_finish(interview=interview)


def test_pages_need_a_sign_in(client):
    for url in [reverse("interviews:list"), reverse("interviews:start"), reverse("interviews:detail", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_start_page_offers_rounds_loop_role_company_difficulty_and_length(browser):
    html = browser.get(reverse("interviews:start")).content.decode()
    for name in ["round", "role", "company", "difficulty", "num_questions"]:
        assert f'name="{name}"' in html
    assert 'value="loop"' in html and "Full loop" in html


def test_starting_from_the_page_opens_the_first_question(browser, user):
    response = browser.post(reverse("interviews:start"), {"round": "coding", "difficulty": 2, "num_questions": 2})
    interview = Interview.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == reverse("interviews:detail", args=[interview.pk])
    html = browser.get(response["Location"]).content.decode()
    assert interview.current_version.prompt[:40] in html
    assert "Question 1 of 2" in html
    assert 'data-word-count="word-count"' in html and 'id="word-count"' in html
    assert html.count("<textarea") == 1  # one question at a time


def test_loop_without_a_role_shows_the_error_on_the_form(browser):
    response = browser.post(reverse("interviews:start"), {"round": "loop", "difficulty": 2, "num_questions": 3})
    assert response.status_code == 200
    assert "needs a role" in response.content.decode()


def test_submitting_with_htmx_returns_a_polling_answer_card_and_a_waiting_interviewer(browser, user):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    response = browser.post(reverse("interviews:answer", args=[interview.pk]),
                            {"question": interview.current_version.question_id, "text": "My answer."}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="beforeend:#answers"' in html
    answer = interview.answers.get()
    assert f'hx-get="{reverse("interviews:answer_status", args=[answer.pk])}?since=pending"' in html
    assert 'hx-trigger="every 1s"' in html and "Grading" in html
    assert "The interviewer is reading your answer" in html


def test_answer_card_poll_is_204_until_the_grade_arrives(browser, user):
    interview = services.interview_start(user=user, round="coding", num_questions=2)
    answer = services.answer_submit(interview=interview, question=interview.current_version.question,
                                    text=strong_answer(interview))
    url = reverse("interviews:answer_status", args=[answer.pk])
    assert browser.get(url + "?since=pending", **HTMX).status_code == 204
    services.answer_grade(answer_id=answer.pk)
    response = browser.get(url + "?since=pending", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Graded" in html and "/100" in html
    assert "kp-covered" in html and "You said:" in html
    assert "every 1s" not in html  # settled: the card stops polling


def test_follow_up_is_shown_when_the_interviewer_asks_one(browser, user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=2)
    version = interview.current_version
    lightest = min(range(len(version.key_points)), key=lambda i: version.key_points[i].get("weight", 1))
    answer_and_grade(interview, version.key_points[lightest]["text"])
    interview.refresh_from_db()
    assert interview.current_parent_id
    html = browser.get(reverse("interviews:current", args=[interview.pk]), **HTMX).content.decode()
    assert "Follow-up" in html and interview.current_prompt in html


def test_without_javascript_the_answer_form_still_works(browser, user):
    interview = services.interview_start(user=user, round="coding", num_questions=1)
    response = browser.post(reverse("interviews:answer", args=[interview.pk]),
                            {"question": interview.current_version.question_id, "text": "Plain form post."})
    assert response.status_code == 302 and interview.answers.count() == 1


def test_finished_interview_page_redirects_to_the_report(browser, user):
    interview = _finished_interview(user)
    response = browser.get(reverse("interviews:detail", args=[interview.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("interviews:report", args=[interview.pk])


def test_report_page_shows_scores_gaps_answers_and_sanitised_reference_answers(browser, user):
    interview = _finished_interview(user)
    first = interview.answers.order_by("order").first()
    QuestionVersion.objects.filter(pk=first.question_version_id).update(
        reference_answer="**Bold idea**\n\n<script>alert('x')</script>\n\n- item")
    interview = services.interview_finish(interview=interview)  # rebuilds the report
    html = browser.get(reverse("interviews:report", args=[interview.pk])).content.decode()
    assert f'data-testid="report-score">{interview.score}<' in html
    assert "By skill" in html and "Strengths" in html and "Gaps" in html and "Next steps" in html
    assert "<strong>Bold idea</strong>" in html and "<li>item</li>" in html
    assert "<script>alert" not in html
    assert "kp-covered" in html and "kp-missed" in html and "Evidence:" in html
    for gap in interview.report["gaps"]:
        for topic in gap["topics"]:
            assert topic["title"] in html


def test_history_lists_interviews_with_scores_trend_and_resume(browser, user):
    finished = [_finished_interview(user, texts=(None,)), _finished_interview(user, texts=(WEAK_ANSWER,))]
    active = services.interview_start(user=user, round="coding", num_questions=2)
    html = browser.get(reverse("interviews:list")).content.decode()
    assert reverse("interviews:detail", args=[active.pk]) in html and "Resume" in html
    for interview in finished:
        assert reverse("interviews:report", args=[interview.pk]) in html
    # The trend is drawn by Chart.js from the embedded JSON, with the same scores in a table.
    assert 'id="chart-trend"' in html and 'id="data-trend"' in html and "vendor/chart.umd.min.js" in html
    assert "Scores as a table" in html and html.count("<tr><td>") == 2
    assert "ml_fundamentals" not in html and "ML fundamentals" in html  # round labels, not ids


@pytest.mark.parametrize("size", [2, 8])
def test_history_page_query_count_is_bounded(browser, user, size, django_assert_max_num_queries):
    for n in range(size):
        interview = services.interview_start(user=user, round="coding", num_questions=1)
        if n % 2:
            answer_and_grade(interview)
            services.interview_finish(interview=interview)
    with django_assert_max_num_queries(5):  # session, user, interviews, reviews due (4 today)
        response = browser.get(reverse("interviews:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_interview_page_query_count_is_bounded(browser, user, size, django_assert_max_num_queries):
    interview = services.interview_start(user=user, round="behavioral", num_questions=10)
    for _ in range(size):
        interview.refresh_from_db()
        answer_and_grade(interview)
    with django_assert_max_num_queries(5):  # session, user, interview, answers (4 today)
        response = browser.get(reverse("interviews:detail", args=[interview.pk]))
    assert response.status_code == 200


def test_other_learner_gets_404_on_pages(client, other_user, user):
    interview = _finished_interview(user, texts=(None,))
    answer = interview.answers.first()
    client.force_login(other_user)
    for url in [reverse("interviews:detail", args=[interview.pk]), reverse("interviews:report", args=[interview.pk]),
                reverse("interviews:current", args=[interview.pk]),
                reverse("interviews:answer_status", args=[answer.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("interviews:finish", args=[interview.pk])).status_code == 404
    assert client.post(reverse("interviews:answer", args=[interview.pk]), {"question": 1, "text": "x"}).status_code == 404


def test_topic_check_entry_starts_a_short_check(browser, user):
    topic = Topic.objects.filter(skills__questions__status="published").distinct().first()
    url = reverse("interviews:topic_check", args=[topic.pk])
    assert topic.title in browser.get(url).content.decode()
    response = browser.post(url)
    interview = Interview.objects.get(user=user)
    assert interview.kind == "topic_check" and interview.topic == topic
    assert response["Location"] == reverse("interviews:detail", args=[interview.pk])


def test_report_page_builds_a_missing_report(browser, user):
    """Interviews finished without a stored report (demo data, imports) get one on first view."""
    interview = _finished_interview(user, texts=(None,))
    Interview.objects.filter(pk=interview.pk).update(report={}, score=None)
    html = browser.get(reverse("interviews:report", args=[interview.pk])).content.decode()
    interview.refresh_from_db()
    assert interview.report["questions"] and f'data-testid="report-score">{interview.score}<' in html
