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


def _follow(user, slug: str, *, weeks_ago: int = 1):
    import datetime as dt

    from apps.roadmap import week_plan
    from apps.roadmap.models import Enrollment, Track
    from apps.roadmap.services import enrollment_upsert

    enrollment = enrollment_upsert(user=user, track=Track.objects.get(slug=slug), hours_per_week=10)
    monday = week_plan.week_start(dt.date.today())
    Enrollment.objects.filter(pk=enrollment.pk).update(started_on=monday - dt.timedelta(weeks=weeks_ago))


def test_marking_a_topic_updates_the_headline_and_the_week_plan_without_a_reload(catalog_committed, user, signed_in_page):
    from apps.roadmap.models import Topic

    _follow(user, "twelve-week-llm")
    page = signed_in_page
    first, second = Topic.objects.filter(stage__track__slug="twelve-week-llm").order_by("stage__order", "order")[:2]
    page.goto("/roadmaps/twelve-week-llm/")
    headline = page.get_by_test_id("track-progress")
    assert headline.inner_text().startswith("0% done")
    assert page.get_by_test_id("week-studied").inner_text() == "0 h"
    assert "behind by 10 h" in page.get_by_test_id("week-status-twelve-week-llm").inner_text()
    page.evaluate("window.__no_reload_marker = 42")

    page.get_by_test_id(f"mark-done-{first.id}").click()  # in the roadmap's list
    page.wait_for_function("!document.querySelector('[data-testid=track-progress]').innerText.startsWith('0% done')")
    page.wait_for_function("document.querySelector('[data-testid=week-studied]').innerText !== '0 h'")
    studied = float(page.get_by_test_id("week-studied").inner_text().split()[0])
    assert studied > 0
    assert page.get_by_test_id(f"week-topic-{first.id}").count() == 0  # it was late; done, it leaves the plan

    page.get_by_test_id(f"week-done-{second.id}").click()  # in this week's plan
    page.get_by_test_id(f"topic-{second.id}").get_by_text("done", exact=True).wait_for()  # the row, out of band
    page.wait_for_function(
        f"parseFloat(document.querySelector('[data-testid=week-studied]').innerText) > {studied}")
    assert page.evaluate("window.__no_reload_marker") == 42


def test_the_dashboard_shows_the_week_plan_and_marks_topics_live(catalog_committed, user, signed_in_page):
    from apps.roadmap.models import Topic

    _follow(user, "twelve-week-llm", weeks_ago=0)
    first = Topic.objects.filter(stage__track__slug="twelve-week-llm").order_by("stage__order", "order").first()
    page = signed_in_page
    page.goto("/dashboard/")
    plan = page.get_by_test_id("this-week")
    assert plan.get_by_role("heading", name="This week").is_visible()
    assert page.get_by_test_id("week-studied").inner_text() == "0 h"
    page.evaluate("window.__no_reload_marker = 42")
    page.get_by_test_id(f"week-done-{first.id}").click()
    page.get_by_test_id(f"week-topic-{first.id}").get_by_text("done", exact=True).wait_for()
    assert page.get_by_test_id("week-studied").inner_text() != "0 h"
    assert page.evaluate("window.__no_reload_marker") == 42


def test_the_role_picker_shows_summary_salary_rounds_and_the_resume_fit(catalog_committed, user, signed_in_page):
    import io

    from apps.resumes.services import resume_process, resume_upload

    page = signed_in_page
    page.goto("/roadmaps/roles/")
    card = page.get_by_test_id("role-llm-engineer")
    assert card.get_by_test_id("salary").inner_text() == "$120K–$300K a year (US)"
    assert card.get_by_test_id("rounds").inner_text() == "Coding, ML fundamentals, LLM deep dive, System design, Behavioral"
    assert card.get_by_test_id("fit").count() == 0

    text = b"Skills\nPython, PyTorch, RAG with FAISS, LoRA fine-tuning\nExperience\nML Engineer (2021 - present): built RAG assistants.\n"
    upload = resume_upload(user=user, file=io.BytesIO(text), filename="cv.txt", size=len(text))
    assert resume_process(resume_id=upload.resume.pk).status == "ready"
    page.reload()
    fit = page.get_by_test_id("role-llm-engineer").get_by_test_id("fit")
    assert fit.inner_text().endswith("/100")

    page.get_by_test_id("role-llm-engineer").get_by_role("button", name="Choose LLM Engineer as my target role").click()
    page.wait_for_url("**/roadmaps/")
    assert page.get_by_role("heading", name="For your target role: LLM Engineer").is_visible()
    assert page.locator("[data-testid^=recommended-]").count() >= 1
