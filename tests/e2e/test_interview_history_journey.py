"""The interview list draws the score trend with Chart.js (axes, one point per finished interview) and
keeps the scores in a table; the page fits a phone (screenshots in var/screenshots/)."""

from pathlib import Path

import pytest

from apps.interviews import services
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_trend_chart_has_axes_points_and_a_table(catalog_committed, signed_in_page, user):
    for text in (None, WEAK_ANSWER, None):
        interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
        answer_and_grade(interview, text)
        services.interview_finish(interview=interview)
    page = signed_in_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/interviews/")
        page.wait_for_function("document.getElementById('chart-trend').dataset.drawn === 'true'")
        chart = "Chart.getChart(document.getElementById('chart-trend'))"
        assert page.evaluate(f"{chart}.data.datasets[0].data.length") == 3
        assert page.evaluate(f"{chart}.options.scales.y.max") == 100
        assert page.evaluate(f"{chart}.options.scales.x.title.text") == "Interview finished"
        assert page.evaluate(f"{chart}.getDatasetMeta(0).data.length") == 3  # a point per interview
        page.get_by_text("Scores as a table").click()
        assert page.get_by_test_id("trend-table").locator("tbody tr").count() == 3
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(SHOTS / f"interviews-{width}.png"), full_page=True)
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"
