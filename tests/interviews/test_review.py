"""The review queue: missed key points come back 1, 3, 7 and 14 days later; a correct answer moves a
point on, a miss starts it over; answers are graded by the rubric like a follow-up answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.interviews import review, services
from apps.interviews.models import ReviewAttempt, ReviewItem
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2026, 3, 2)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _on(settings, day: dt.date) -> None:
    settings.REVIEW_DATE_OVERRIDE = day.isoformat()


def _missed(user, settings) -> list[ReviewItem]:
    """A weak interview answer graded on DAY0: its missed key points are scheduled."""
    _on(settings, DAY0)
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    answer_and_grade(interview, WEAK_ANSWER)
    return list(ReviewItem.objects.filter(user=user).select_related("question_version").order_by("id"))


def _point_text(item: ReviewItem) -> str:
    return next(kp["text"] for kp in item.question_version.key_points if kp["id"] == item.key_point_id)


def _answer(user, settings, item: ReviewItem, day: dt.date, text: str) -> ReviewAttempt:
    _on(settings, day)
    attempt = review.review_attempt_submit(user=user, item_id=item.pk, text=text)
    return review.review_attempt_grade(attempt_id=attempt.pk)


def test_a_graded_answer_schedules_each_missed_key_point_for_the_next_day(user, settings):
    items = _missed(user, settings)
    answer = items[0].source_answer
    missed = {kp["id"] for kp in answer.key_points if not kp["covered"]}
    assert missed and {i.key_point_id for i in items} == missed
    assert all(i.due_on == DAY0 + dt.timedelta(days=1) and i.step == 0 for i in items)
    assert review.review_due_for(user=user, today=DAY0).count() == 0
    assert review.review_due_for(user=user, today=DAY0 + dt.timedelta(days=1)).count() == len(items)


def test_correct_answers_climb_the_schedule_1_3_7_14_then_the_point_is_learned(user, settings):
    items = _missed(user, settings)
    item = items[0]
    text = _point_text(item)
    day, gaps = DAY0 + dt.timedelta(days=1), []
    for _ in range(3):
        attempt = _answer(user, settings, item, day, text)
        assert attempt.covered is True and attempt.grading_status == "graded"
        gaps.append((attempt.next_due_on - day).days)
        day = attempt.next_due_on
    assert gaps == [3, 7, 14]
    last = _answer(user, settings, item, day, text)
    item.refresh_from_db()
    assert last.next_due_on is None and item.status == "learned"
    assert review.review_due_for(user=user, today=day + dt.timedelta(days=60)).count() == len(items) - 1


def test_a_miss_starts_the_point_over_at_one_day(user, settings):
    item = _missed(user, settings)[0]
    day = DAY0 + dt.timedelta(days=1)
    attempt = _answer(user, settings, item, day, _point_text(item))
    day = attempt.next_due_on
    missed = _answer(user, settings, item, day, WEAK_ANSWER)
    item.refresh_from_db()
    assert missed.covered is False and item.step == 0 and item.due_on == day + dt.timedelta(days=1)


def test_a_point_missed_again_in_an_interview_restarts_and_is_not_duplicated(user, settings):
    items = _missed(user, settings)
    item = items[0]
    _answer(user, settings, item, DAY0 + dt.timedelta(days=1), _point_text(item))
    later = DAY0 + dt.timedelta(days=2)
    _on(settings, later)
    review.review_items_from_answer(answer_id=item.source_answer_id)  # the same answer again: no change
    item.refresh_from_db()
    assert item.step == 1
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    interview.current_version = item.question_version  # the same question, missed again
    interview.save(update_fields=["current_version"])
    answer_and_grade(interview, WEAK_ANSWER)
    item.refresh_from_db()
    assert item.step == 0 and item.due_on == later + dt.timedelta(days=1)
    assert ReviewItem.objects.filter(user=user, question=item.question, key_point_id=item.key_point_id).count() == 1


def test_answers_are_refused_before_the_due_day_blank_or_for_another_learner(user, other_user, settings):
    item = _missed(user, settings)[0]
    _on(settings, DAY0)
    with pytest.raises(Conflict):
        review.review_attempt_submit(user=user, item_id=item.pk, text="too early")
    _on(settings, DAY0 + dt.timedelta(days=1))
    with pytest.raises(ApplicationError):
        review.review_attempt_submit(user=user, item_id=item.pk, text="   ")
    with pytest.raises(NotFound):
        review.review_attempt_submit(user=other_user, item_id=item.pk, text="mine now")
    review.review_attempt_submit(user=user, item_id=item.pk, text="something")
    with pytest.raises(Conflict):  # the first is still being graded
        review.review_attempt_submit(user=user, item_id=item.pk, text="again")


def test_the_review_prompt_is_the_key_points_own_follow_up_question(user, settings):
    item = _missed(user, settings)[0]
    follow_up = next(kp for kp in item.question_version.key_points if kp["id"] == item.key_point_id)["follow_up"]
    assert review.review_prompt(item) == follow_up
    spec = review.review_spec_for(item)
    assert [kp.id for kp in spec.key_points] == [item.key_point_id] and spec.prompt == follow_up


def test_review_page_shows_due_today_and_htmx_answer_polls_until_graded(client, user, settings):
    items = _missed(user, settings)
    client.force_login(user)
    _on(settings, DAY0)
    page = client.get(reverse("interviews:review")).content.decode()
    assert "Nothing due today" in page and "Coming up" in page
    _on(settings, DAY0 + dt.timedelta(days=1))
    page = client.get(reverse("interviews:review")).content.decode()
    assert f'data-testid="due-count">{len(items)}<' in page and review.review_prompt(items[0]) in page
    response = client.post(reverse("interviews:review_answer", args=[items[0].pk]), {"text": _point_text(items[0])},
                           **HTMX)
    attempt = ReviewAttempt.objects.get(item=items[0])
    assert "Checking your answer" in response.content.decode()
    status_url = reverse("interviews:review_attempt", args=[attempt.pk])
    assert client.get(status_url + "?since=pending", **HTMX).status_code == 204
    review.review_attempt_grade(attempt_id=attempt.pk)  # what the worker does
    result = client.get(status_url + "?since=pending", **HTMX).content.decode()
    assert "Correct." in result and "Next review on" in result
    blank = client.post(reverse("interviews:review_answer", args=[items[1].pk]), {"text": ""}, **HTMX)
    assert "Write an answer first." in blank.content.decode()  # shown with the form again


def test_other_learners_review_items_and_attempts_are_404(client, user, other_user, settings):
    item = _missed(user, settings)[0]
    _on(settings, DAY0 + dt.timedelta(days=1))
    attempt = review.review_attempt_submit(user=user, item_id=item.pk, text="an answer")
    client.force_login(other_user)
    assert client.post(reverse("interviews:review_answer", args=[item.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("interviews:review_attempt", args=[attempt.pk])).status_code == 404


def test_the_dashboard_counts_review_prompts_due_today(client, user, settings):
    items = _missed(user, settings)
    client.force_login(user)
    _on(settings, DAY0 + dt.timedelta(days=1))
    html = client.get(reverse("dashboard:learner")).content.decode()
    assert f"<strong>{len(items)}</strong> review prompt" in html and reverse("interviews:review") in html


@pytest.mark.parametrize("interviews", [1, 4])
def test_review_page_query_count_does_not_grow(client, user, settings, interviews, django_assert_max_num_queries):
    for _ in range(interviews):
        _missed(user, settings)
    _on(settings, DAY0 + dt.timedelta(days=1))
    for item in ReviewItem.objects.filter(user=user)[:3]:
        review.review_attempt_grade(
            attempt_id=review.review_attempt_submit(user=user, item_id=item.pk, text="a guess").pk)
    client.force_login(user)
    with django_assert_max_num_queries(5):  # session, user, due, upcoming, recent answers
        assert client.get(reverse("interviews:review")).status_code == 200


def test_api_due_items_answer_and_result_other_learners_get_404(api, other_api, user, settings):
    items = _missed(user, settings)
    _on(settings, DAY0)
    assert api.get(reverse("api-reviews-due")).json() == []
    _on(settings, DAY0 + dt.timedelta(days=1))
    due = api.get(reverse("api-reviews-due")).json()
    assert [d["id"] for d in due] == [i.pk for i in items] and due[0]["prompt"] == review.review_prompt(items[0])
    url = reverse("api-review-answers", args=[items[0].pk])
    assert other_api.post(url, {"text": "mine"}, format="json").status_code == 404
    assert api.post(url, {"text": ""}, format="json").status_code == 400
    assert api.post(url, {"text": "x" * 5001}, format="json").status_code == 400
    response = api.post(url, {"text": _point_text(items[0])}, format="json")
    assert response.status_code == 202 and response.json()["grading_status"] == "pending"
    assert api.post(url, {"text": "again"}, format="json").status_code == 409  # still being graded
    attempt_id = response.json()["id"]
    review.review_attempt_grade(attempt_id=attempt_id)  # what the worker does
    result = api.get(reverse("api-review-attempt", args=[attempt_id])).json()
    assert result["covered"] is True and result["next_due_on"] == "2026-03-06"
    assert other_api.get(reverse("api-review-attempt", args=[attempt_id])).status_code == 404
