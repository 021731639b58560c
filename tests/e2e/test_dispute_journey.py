"""A learner disputes a grade from the report, staff regrade it, and the learner sees the outcome on the
report and in their list of disputes (Chromium, phone width for the learner)."""

import re

import pytest

from apps.interviews import services
from apps.interviews.models import Dispute
from tests.e2e.helpers import SHOTS, sign_in
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def test_dispute_from_learner_to_staff_regrade_and_back(catalog_committed, browser, live_server, user, staff_user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=2)
    answer = answer_and_grade(interview, WEAK_ANSWER)
    services.interview_finish(interview=interview)  # ended early: one of two questions answered
    answer.refresh_from_db()
    missed = next(kp for kp in answer.key_points if not kp["covered"])

    learner = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = learner.new_page()
    sign_in(page, user)
    page.goto(f"/interviews/{interview.pk}/report/")
    assert "1 of 2 questions answered" in page.get_by_test_id("ended-early").inner_text()
    entry = page.get_by_test_id("report-entry").first
    assert not entry.get_by_role("link", name=re.compile("Dispute this grade")).is_visible()  # collapsed
    entry.locator("summary").click()
    entry.get_by_role("link", name=re.compile("Dispute this grade")).click()
    page.get_by_label(re.compile(re.escape(missed["text"][:40]))).check()
    page.get_by_label("Why is the grade wrong?").fill("My answer says this in other words: I would look into it.")
    page.get_by_role("button", name="Send the dispute").click()
    page.wait_for_url("**/interviews/disputes/")
    assert page.get_by_test_id("dispute-status").first.inner_text() == "Waiting for review"

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    staff_page = staff.new_page()
    sign_in(staff_page, staff_user)
    staff_page.goto("/interviews/disputes/staff/")
    staff_page.locator("tbody a").first.click()
    card = staff_page.get_by_test_id("staff-dispute").first
    assert WEAK_ANSWER in card.inner_text() and "My answer says this" in card.inner_text()
    card.get_by_role("checkbox", name=missed["text"]).check()
    card.get_by_label("Corrected score (0-100)").fill("55")
    card.get_by_label("Note for the learner").fill("Fair point: partly stated.")
    card.get_by_role("button", name="Regrade with these key points and score").click()
    staff_page.get_by_test_id("staff-outcome").first.wait_for()
    assert "Regraded" in staff_page.get_by_test_id("staff-outcome").first.inner_text()
    assert Dispute.objects.get().status == "regraded"

    page.goto(f"/interviews/{interview.pk}/report/")
    assert page.get_by_test_id("report-dispute-status").first.inner_text() == "Dispute: Regraded"
    assert page.get_by_test_id("report-score").inner_text() == "55"
    page.get_by_test_id("report-entry").first.locator("summary").click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "interview-report-390.png"), full_page=True)
    staff_page.screenshot(path=str(SHOTS / "staff-disputes-1280.png"), full_page=True)
    outcome = page.get_by_test_id("report-dispute-outcome").first.inner_text()
    assert f"regraded from {answer.score} to 55" in outcome and "Fair point" in outcome
    page.goto("/interviews/disputes/")
    assert "regraded from" in page.get_by_test_id("dispute-outcome").first.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    learner.close()
    staff.close()
