"""Staff open the grading-quality page: the per-round chart is drawn, the tables and the worst
disagreements are there, at desktop and phone widths (screenshots in var/screenshots/)."""

from pathlib import Path

import pytest
import yaml

from apps.questionbank import quality
from apps.questionbank.models import GradingEvaluation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CORPUS = Path(__file__).resolve().parents[2] / "data" / "grading_corpus"


def _small_corpus(folder: Path) -> Path:
    import shutil

    for path in ("ml_fundamentals/mlf-dropout.yaml", "coding/code-lru-cache.yaml"):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / path, folder / path)
    (folder / "splits.yaml").write_text(yaml.safe_dump({"version": "e2e-1", "splits": {
        "train": [], "dev": [], "test": ["mlf-dropout", "code-lru-cache"]}}))
    return folder


def test_staff_see_agreement_per_round_with_a_chart(catalog_committed, page, staff_user, tmp_path):
    from tests.factories import PASSWORD

    evaluation = GradingEvaluation.objects.create(created_by=staff_user)
    quality.grading_evaluation_execute(evaluation_id=evaluation.pk, corpus_dir=_small_corpus(tmp_path))
    page.goto("/accounts/login/")
    page.fill("input[name=login]", staff_user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/questions/grading-quality/")
    page.wait_for_function("document.getElementById('chart-rounds').dataset.drawn === 'true'")
    assert page.get_by_test_id("rounds").locator("tbody tr").count() == 2  # Coding, ML fundamentals
    assert page.get_by_role("row", name="ML fundamentals").count() == 1
    assert page.locator(".qb-worst li").count() == 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "grading-quality-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_function("document.getElementById('chart-rounds').dataset.drawn === 'true'")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(SHOTS / "grading-quality-390.png"), full_page=True)
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
