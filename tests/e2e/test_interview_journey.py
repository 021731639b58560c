"""A learner takes a two-question mock interview in Chromium (phone-sized), graded by a real Celery
worker, and reads the report."""

import re

import pytest

from apps.interviews.models import Interview

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _strong_answer(user) -> str:
    interview = Interview.objects.filter(user=user).latest("started_at")
    version = interview.current_version
    indices = interview.current_key_points or range(len(version.key_points))
    return " ".join(version.key_points[i]["text"].rstrip(".") + "." for i in indices)


def test_learner_takes_a_two_question_interview_and_reads_the_report(catalog_committed, celery_worker,
                                                                     signed_in_page, user):
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/interviews/new/")
    page.get_by_label("Round", exact=True).select_option("ml_fundamentals")
    page.get_by_label("Difficulty", exact=True).select_option("1")
    page.get_by_label("Number of questions").fill("2")
    page.get_by_role("button", name="Start the interview").click()
    page.wait_for_url(re.compile(r"/interviews/\d+/$"))

    for number in (1, 2):
        page.get_by_text(f"Question {number} of 2").wait_for()
        box = page.get_by_role("textbox", name="Your answer")
        box.fill(_strong_answer(user))
        assert re.fullmatch(r"\d+ words", page.locator("#word-count").inner_text())
        assert page.locator("#word-count").inner_text() != "0 words"
        page.get_by_role("button", name="Submit answer").click()
        card = page.locator(".answer-card").nth(number - 1)
        card.get_by_test_id("grading-status").filter(has_text=re.compile("Graded|Provisional")).wait_for(timeout=60_000)
        assert re.search(r"\d+/100", card.inner_text())

    page.get_by_role("button", name="Finish and see your report").click(timeout=60_000)
    page.wait_for_url(re.compile(r"/interviews/\d+/report/$"))
    score = int(page.get_by_test_id("report-score").inner_text())
    assert 0 <= score <= 100
    page.get_by_role("heading", name="By skill").wait_for()
    assert page.locator(".report-answer").count() == 2
    page.locator("summary", has_text="Reference answer").first.click()
    assert page.locator(".reference-answer").first.inner_text().strip()
    interview = Interview.objects.get(user=user)
    assert interview.status == "finished" and interview.score == score
