import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_marking_a_topic_done_moves_the_stage_bar_without_a_reload(catalog_committed, signed_in_page):
    from apps.roadmap.models import Topic

    page = signed_in_page
    topic = Topic.objects.filter(stage__track__slug="twelve-week-llm").order_by("stage__order", "order").first()
    page.goto("/roadmaps/twelve-week-llm/")
    bar = page.get_by_test_id(f"stage-progress-{topic.stage_id}")
    assert bar.get_attribute("value") == "0"
    page.evaluate("window.__no_reload_marker = 42")

    page.get_by_test_id(f"mark-done-{topic.id}").click()
    page.get_by_test_id(f"topic-{topic.id}").get_by_text("done", exact=True).wait_for()
    page.wait_for_function(f"document.querySelector('[data-testid=stage-progress-{topic.stage_id}]').value == 1")
    assert page.evaluate("window.__no_reload_marker") == 42  # the same document: no page reload
