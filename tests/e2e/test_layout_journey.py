"""Layout on a phone and a desktop: the menu button, the roles filter bar, the 403 page a learner
gets on a staff URL, and a focus ring that can be seen."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

# How many lines the element's own text takes (its text nodes' line boxes, the checkbox not counted).
TEXT_LINES = """el => { const tops = new Set();
  for (const node of el.childNodes) {
    if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
  }
  return tops.size; }"""
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "pages"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_phone_menu_opens_closes_and_reaches_the_dashboard(seeded_site, open_as):
    page = open_as(seeded_site.learner, 390)
    page.goto("/roadmaps/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    dashboard = nav.get_by_role("link", name="Dashboard")
    assert menu.get_attribute("aria-expanded") == "false" and not dashboard.is_visible()

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and dashboard.is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "menu-open-390.png"))
    assert nav.get_by_role("link", name="Roadmaps").get_attribute("aria-current") == "page"
    page.keyboard.press("Escape")  # closes, and focus goes back to the button
    assert menu.get_attribute("aria-expanded") == "false" and not dashboard.is_visible()
    assert page.evaluate("document.activeElement.dataset.testid") == "menu-button"

    page.keyboard.press("Enter")  # the keyboard opens it too
    assert menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Dashboard"
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")
    page.get_by_role("heading", name="Your readiness").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # On a phone the skill names wrap onto short lines instead of being cut ("pt injection…").
    page.wait_for_function("document.getElementById('chart-skills').dataset.drawn === 'true'")
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-skills')).data.labels")
    lines = [line for label in labels for line in (label if isinstance(label, list) else [label])]
    names = [name.strip() for name in page.get_by_test_id("table-skills").locator("tbody th").all_text_contents()]
    assert [" ".join(label) if isinstance(label, list) else label for label in labels] == names
    assert any(isinstance(label, list) for label in labels) and all(len(line) <= 16 or " " not in line for line in lines)


def test_desktop_shows_every_link_in_one_row_and_no_menu_button(seeded_site, open_as):
    page = open_as(seeded_site.staff, 1280)
    page.goto("/")
    assert not page.get_by_role("button", name="Menu").is_visible()
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    names = links.all_inner_texts()
    assert names[:2] == ["LLM Career Coach", "Dashboard"] and "Cohort" in names
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all())}
    assert max(tops) - min(tops) <= 8, f"the navigation wraps: link tops at {sorted(tops)}"


@pytest.mark.parametrize("width", [390, 1280])
def test_roles_filter_fits_the_screen_with_one_line_labels(seeded_site, open_as, width):
    page = open_as(seeded_site.learner, width)
    page.goto("/roles/")
    form = page.get_by_test_id("role-filter")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert form.get_by_role("button", name="Filter").evaluate(TEXT_LINES) == 1
    assert form.get_by_text("Real postings only").evaluate(TEXT_LINES) == 1
    assert form.bounding_box()["width"] <= width
    form.get_by_role("searchbox", name="Search roles").fill("engineer")
    form.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"q=engineer"))
    assert page.locator(".grid-cards article").count() > 0


@pytest.mark.parametrize("path", ["/dashboard/cohort/", "/questions/", "/admin/"])
def test_learner_on_a_staff_url_sees_the_403_page(seeded_site, open_as, path):
    page = open_as(seeded_site.learner, 390)
    response = page.goto(path)
    assert response.status == 403 and page.url.endswith(path if path != "/admin/" else "/admin/login/?next=/admin/")
    page.get_by_role("heading", name="You are not allowed to open this page").wait_for()
    assert "This page is for staff" in page.get_by_test_id("forbidden").inner_text()
    assert page.get_by_role("button", name="Menu").is_visible()  # in the site's own layout
    page.get_by_role("link", name="Go to your dashboard").click()
    page.wait_for_url("**/dashboard/")


def test_keyboard_focus_ring_is_solid_and_dark(seeded_site, open_as):
    page = open_as(seeded_site.learner, 1280)
    page.goto("/roles/")
    page.get_by_role("searchbox", name="Search roles").focus()
    for _ in range(4):  # search box, seniority, checkbox, the Filter button
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
        tag, outline_style, outline_width, color = style
        assert outline_style == "solid" and outline_width >= 2, style
        assert color == "rgb(11, 61, 145)", style  # #0b3d91: 10:1 against the white page
        page.keyboard.press("Tab")
    assert tag == "BUTTON"
