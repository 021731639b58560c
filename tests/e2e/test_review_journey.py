"""A missed key point comes due the next day on the review page; answered correctly (graded by a real
Celery worker) it is scheduled three days further on."""

import datetime as dt

import pytest

from apps.interviews import services
from apps.interviews.models import ReviewItem
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DAY0 = dt.date(2026, 3, 2)


def test_a_missed_point_comes_due_and_moves_on_when_answered(catalog_committed, celery_worker, signed_in_page, user,
                                                             settings):
    page = signed_in_page
    settings.REVIEW_DATE_OVERRIDE = DAY0.isoformat()
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    answer_and_grade(interview, WEAK_ANSWER)  # the miss
    items = list(ReviewItem.objects.filter(user=user).order_by("id"))
    assert items

    page.goto("/interviews/review/")
    assert "Nothing due today" in page.locator("#main").inner_text()
    assert page.get_by_test_id("due-count").inner_text() == "0"

    settings.REVIEW_DATE_OVERRIDE = (DAY0 + dt.timedelta(days=1)).isoformat()  # the next day
    page.goto("/dashboard/")
    assert f"{len(items)} review prompt" in page.get_by_test_id("reviews-due").inner_text()
    page.get_by_test_id("reviews-due").get_by_role("link").click()
    page.wait_for_url("**/interviews/review/")
    assert page.get_by_test_id("due-count").inner_text() == str(len(items))
    first = page.get_by_test_id("review-item").first
    assert "due today" in first.inner_text()
    item = items[0]
    point = next(kp["text"] for kp in item.question_version.key_points if kp["id"] == item.key_point_id)
    first.get_by_role("textbox", name="Your answer").fill(point)
    first.get_by_role("button", name="Check my answer").click()
    first.get_by_test_id("next-due").wait_for(timeout=60_000)  # graded by the worker, shown by polling
    assert "Correct." in first.get_by_test_id("review-result").inner_text()
    assert first.get_by_test_id("next-due").inner_text() == "Friday 6 March"  # 3 days after Tuesday 3 March

    page.reload()
    assert page.get_by_test_id("due-count").inner_text() == str(len(items) - 1)
    assert "Fri 6 Mar" in page.get_by_test_id("upcoming").inner_text()
    item.refresh_from_db()
    assert item.step == 1 and item.due_on == DAY0 + dt.timedelta(days=4)
