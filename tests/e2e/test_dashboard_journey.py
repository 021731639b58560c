import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_seeded_learner_sees_drawn_charts_and_their_tables(catalog_committed, page):
    from apps.dashboard.management.commands.seed_demo import DOMAIN, PASSWORD

    call_command("seed_demo", learners=1, resumes=0)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", f"learner0001@{DOMAIN}")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/dashboard/")

    for chart in ("gauge", "skills", "history", "hours"):
        canvas = page.locator(f"#chart-{chart}")
        canvas.wait_for()
        page.wait_for_function(f"document.getElementById('chart-{chart}').dataset.drawn === 'true'")
        assert canvas.bounding_box()["height"] > 50
        assert page.evaluate(f"Chart.getChart(document.getElementById('chart-{chart}')).data.datasets[0].data.length") > 0
    for table in ("gauge", "skills", "history", "hours", "activity"):
        assert page.get_by_test_id(f"table-{table}").locator("tbody tr").count() > 0
    assert page.get_by_test_id("next-steps").locator("li").count() >= 3
    assert 0 <= int(page.get_by_test_id("readiness-score").inner_text().split("/")[0]) <= 100
