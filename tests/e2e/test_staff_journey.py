"""Staff in Chromium: a near-duplicate shown while typing a prompt (before saving), restoring an older version,
and the cohort dashboard's charts following the period filter (screenshots in var/screenshots/)."""


import pytest

from apps.questionbank import services
from apps.questionbank.models import Question
from tests.dashboard.test_cohort import make_cohort
from tests.e2e.helpers import SHOTS, sign_in
from tests.questionbank.conftest import BANK_KEY, make_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def test_staff_see_a_near_duplicate_while_typing_before_saving(catalog_committed, page, staff_user):
    bank = Question.objects.select_related("current_version").get(key=BANK_KEY)
    questions_before = Question.objects.count()
    sign_in(page, staff_user)
    page.goto("/questions/new/")

    page.get_by_role("textbox", name="Prompt", exact=True).press_sequentially(bank.current_version.prompt.rstrip("?.") + ", with an example?",
                                                   delay=2)

    hints = page.get_by_test_id("live-duplicates")
    hints.wait_for()
    nearest = hints.locator("li").first
    assert nearest.locator("a").get_attribute("href") == f"/questions/{bank.pk}/"
    assert "% similar" in nearest.inner_text() and "near duplicate" in nearest.inner_text()
    assert Question.objects.count() == questions_before  # shown before anything was saved
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "question-new-duplicates-1280.png"), full_page=True)

    page.get_by_role("textbox", name="Prompt", exact=True).fill("Tell me about a time you changed a team's mind with data from a pilot.")
    page.wait_for_selector("[data-testid=no-duplicates]")
    assert page.get_by_test_id("live-duplicates").count() == 0


def test_staff_restore_an_older_version_as_a_new_one(catalog_committed, page, staff_user):
    question = make_question(user=staff_user, prompt="First wording: how do you shard an HNSW index?")
    services.question_update(question=question, user=staff_user, prompt="Second wording: how do you shard a vector index?")
    sign_in(page, staff_user)
    page.goto(f"/questions/{question.pk}/history/")

    page.get_by_test_id("restore-v1").click()
    assert page.get_by_role("heading", name="Restore version 1?").is_visible()
    assert "+First wording: how do you shard an HNSW index?" in page.get_by_test_id("diff").inner_text()
    assert question.versions.count() == 2  # only asked so far
    page.get_by_test_id("confirm-restore").click()

    page.wait_for_url(f"**/questions/{question.pk}/history/")
    assert page.get_by_text("Version 1 restored as version 3.").is_visible()
    assert page.get_by_text("(restored from v1)").is_visible()
    question.refresh_from_db()
    assert question.current_version.number == 3
    assert question.current_version.prompt == "First wording: how do you shard an HNSW index?"
    assert question.versions.count() == 3


def _chart_total(page, chart: str, dataset: int = 0) -> float:
    page.wait_for_function(f"document.getElementById('chart-{chart}').dataset.drawn === 'true'")
    return page.evaluate(
        f"Chart.getChart(document.getElementById('chart-{chart}')).data.datasets[{dataset}].data"
        ".reduce((a, b) => a + (b || 0), 0)")


def test_cohort_charts_follow_the_period_filter(catalog_committed, page, staff_user):
    make_cohort(3)  # each learner: an interview 3 days ago and one 40 days ago
    sign_in(page, staff_user)
    page.goto("/dashboard/cohort/")

    assert page.get_by_label("Period").input_value() == "30"
    assert page.get_by_test_id("period-interviews").inner_text() == "3"
    assert _chart_total(page, "interviews") == 3
    assert _chart_total(page, "active") == 3
    assert sum(_chart_total(page, "readiness", band) for band in range(5)) == 3  # each learner's latest, in 30 days

    page.get_by_label("Period").select_option(label="Last 90 days")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/dashboard/cohort/?period=90")
    assert page.get_by_test_id("period-interviews").inner_text() == "6"
    assert page.get_by_test_id("period-mean").inner_text() == "70"
    assert _chart_total(page, "interviews") == 6
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "cohort-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _chart_total(page, "readiness")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(SHOTS / "cohort-390.png"), full_page=True)
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert overflow <= 1, f"{wide} the page scrolls sideways by {overflow}px on a phone"
