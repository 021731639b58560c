"""Every main page, as a learner and as staff, at 1280 px and 390 px: axe-core finds no serious or
critical violation, nothing scrolls sideways, and a full-page screenshot is written to
var/screenshots/pages/<page>-<width>.png (with every axe finding, of any impact, in <page>-<width>.axe.json)
for people to look at."""

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import STAFF_PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "pages"
PAGES = ("home", "roadmaps", "role-picker", "track", "interviews", "interview", "report", "resume", "dashboard", "roles", "role",
         "company", "forbidden", *STAFF_PAGES)
STATUS = {"forbidden": 403}
WIDTHS = (1280, 390)
BLOCKING = {"serious", "critical"}
axe = Axe()  # axe-core bundled in the wheel: nothing is downloaded at test time


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_axe_violation_and_fits_the_screen(seeded_site, open_as, name, width):
    user = seeded_site.staff if name in STAFF_PAGES else seeded_site.learner
    page = open_as(user, width)
    response = page.goto(seeded_site.pages[name])
    assert response.status == STATUS.get(name, 200), f"{name}: {response.status}"
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)

    results = axe.run(page).response
    assert results["testEngine"]["name"] == "axe-core" and results["passes"], "axe-core did not run"
    violations = results["violations"]
    (SHOTS / f"{name}-{width}.axe.json").write_text(json.dumps(  # every impact, for people to read
        [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
         for v in violations], indent=1))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name} at {width}px:\n{_describe(blocking)}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
