"""The staff page that shows how well the rubric grader agrees with experts on the labelled corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from django.template.defaultfilters import floatformat

from apps.questionbank import quality
from apps.questionbank.models import GradingEvaluation

CORPUS = Path(__file__).resolve().parents[2] / "data" / "grading_corpus"
URL = "/questions/grading-quality/"


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Two questions of the real corpus (one test, one train), plus one the bank does not have."""
    for path in ("ml_fundamentals/mlf-l1-vs-l2-regularisation.yaml", "coding/code-two-sum-hash-map.yaml"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / path, tmp_path / path)
    (tmp_path / "coding" / "code-gone.yaml").write_text(yaml.safe_dump({"key": "code-gone", "answers": []}))
    (tmp_path / "splits.yaml").write_text(yaml.safe_dump({"version": "t-1", "splits": {
        "train": ["code-two-sum-hash-map"], "dev": [], "test": ["mlf-l1-vs-l2-regularisation", "code-gone"]}}))
    return tmp_path


def test_learners_and_visitors_cannot_see_it(client, user):
    assert client.get(URL).status_code == 302  # to the sign-in page
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert not GradingEvaluation.objects.exists()


def test_empty_state_then_one_measurement_at_a_time(client, staff_user):
    client.force_login(staff_user)
    page = client.get(URL).content.decode()
    assert "No measurement yet" in page and "Measure now" in page
    response = client.post(URL, follow=True)
    assert GradingEvaluation.objects.get().status == "queued"
    assert "Measuring" in response.content.decode()
    again = client.post(URL, follow=True).content.decode()
    assert "already running" in again and GradingEvaluation.objects.count() == 1


def test_a_measurement_shows_agreement_per_round_and_the_worst_disagreements(client, staff_user, small_corpus):
    evaluation = GradingEvaluation.objects.create(created_by=staff_user)
    quality.grading_evaluation_execute(evaluation_id=evaluation.pk, corpus_dir=small_corpus)
    evaluation.refresh_from_db()
    assert evaluation.status == "done", evaluation.error
    assert evaluation.corpus_version == "t-1" and evaluation.missing_questions == ["code-gone"]
    test = evaluation.figures["test"]
    assert test["n"] == 11 and set(test["by_round"]) == {"ml_fundamentals"}
    assert -1 <= test["spearman"] <= 1 and test["worst"][0]["text"]
    assert evaluation.figures["train"]["n"] == 11
    # The short answers (40-130 words) are reported apart: a grader that reads length as quality shows there.
    short_excellent = test["concise_means"]["excellent"]
    assert short_excellent[2] == 2 and 0 <= short_excellent[1] <= 100

    client.force_login(staff_user)
    page = client.get(URL).content.decode()
    assert "corpus version <strong>t-1</strong>" in page
    assert "ML fundamentals" in page  # the round's label, not its id
    assert "code-gone" in page  # the skipped question is named
    worst = test["worst"][0]
    assert f"Expert {worst['expert']}, grader {worst['grader']}" in page
    assert 'id="data-rounds"' in page and "chart-rounds" in page
    assert "Short excellent answers' mean" in page
    assert f"<td>{floatformat(short_excellent[1], 0)}</td>" in page
    # ... in its own column, right after the mean over all excellent answers of the split.
    excellent = test["category_means"]["excellent"][1]
    assert f"<td>{floatformat(excellent, 0)}</td><td>{floatformat(short_excellent[1], 0)}</td>" in page


def test_a_failed_measurement_is_shown_and_does_not_block_the_next(client, staff_user, tmp_path):
    (tmp_path / "splits.yaml").write_text("not: [valid")  # a broken corpus file
    evaluation = GradingEvaluation.objects.create(created_by=staff_user)
    quality.grading_evaluation_execute(evaluation_id=evaluation.pk, corpus_dir=tmp_path)
    evaluation.refresh_from_db()
    assert evaluation.status == "failed" and evaluation.error
    client.force_login(staff_user)
    page = client.get(URL).content.decode()
    assert "failed:" in page and "disabled" not in page.split("Measure now")[0].rsplit("<button", 1)[-1]
    client.post(URL)
    assert GradingEvaluation.objects.filter(status="queued").count() == 1
