"""The rubric grader against the honest labelled corpus (data/grading_corpus) and the whole bank.

The corpus's answers were written from the question alone and labelled before any grader ran; the
grader's calibration saw the train and dev splits only. This test grades the **test** split and
fails when agreement drops below the floors this grader reached when it was fitted (the figures in
docs/benchmarks.md), so a change that makes grades worse cannot land unnoticed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.grading_eval import FLOORS, run_rubric
from ml.embeddings import Encoder
from ml.grading.evaluation import SPLITS, load_bank, load_corpus
from ml.grading.model import default_model
from ml.grading.rubric import grade_many

ROOT = Path(__file__).resolve().parents[2]
CORPUS, BANK = ROOT / "data" / "grading_corpus", ROOT / "data" / "questions"
# Issue 12's floors (bench.grading_eval.FLOORS: Spearman 0.85, MAE 12); rubric-v5 reaches 0.861 / 9.6 on the
# test split when fitted. MAE is held tighter than the issue asks, to what the grader reaches plus noise room.
TEST_FLOORS = {"spearman": FLOORS["spearman"], "mae": 10.5}


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


def test_corpus_shape_and_fixed_splits(bank) -> None:
    questions = load_corpus(CORPUS, bank)
    assert len(questions) >= 40
    rounds = Counter(q.spec.round for q in questions)
    assert set(rounds) == {"coding", "ml_fundamentals", "llm_deep_dive", "system_design", "behavioral"}
    assert rounds["behavioral"] >= 6
    for q in questions:
        categories = Counter(a.category for a in q.answers)
        assert len(q.answers) >= 6 and categories["excellent"] >= 1
        assert {"partial", "wrong", "off-topic"} <= set(categories)
        # Injected answers with honest twins in every question of dev and test (and the first 20 of train;
        # the 64 training questions added in corpus 2026-12-07.2 have none: they are fitted on, not checked).
        assert categories["injection"] >= 1 or q.split == "train"
    assert sum(1 for q in questions if any(a.category == "injection" for a in q.answers)) >= 45
    splits = yaml.safe_load((CORPUS / "splits.yaml").read_text())["splits"]
    keys = [k for name in SPLITS for k in splits[name]]
    assert len(keys) == len(set(keys)) == len(questions)  # every question in exactly one split
    for name in SPLITS:
        assert {bank[k].round for k in splits[name]} == set(rounds)  # every round in every split


def test_the_calibration_never_saw_the_test_split() -> None:
    fitted = default_model().fitted_on
    assert fitted["corpus_version"] == yaml.safe_load((CORPUS / "splits.yaml").read_text())["version"]
    assert fitted["questions"] == 84 + 10 + 12  # train + dev + the older set, never test


def test_rubric_grader_on_the_test_split_holds_its_floors(bank, encoder: Encoder) -> None:
    report = run_rubric(load_corpus(CORPUS, bank, splits=("test",)), encoder)
    assert report.spearman >= TEST_FLOORS["spearman"], report
    assert report.mae <= TEST_FLOORS["mae"], report
    assert report.category_means["excellent"][1] >= FLOORS["excellent"]
    assert report.injection_violations == []  # no injected answer above its honest twin
    assert report.injection_flagged == report.injection_total
    assert report.mention_flagged == []  # correct answers quoting attack strings are graded normally
    means = {category: graded for category, (_, graded) in report.category_means.items()}
    assert means["excellent"] > means["partial"] > max(means["off-topic"], means["verbose-but-empty"])


def test_every_question_of_the_bank_gives_its_own_reference_answer_90_or_more_without_flags(
    bank, encoder: Encoder
) -> None:
    keys = [k for k, spec in bank.items() if spec.reference_answer]
    assert len(keys) == len(bank)
    grades = grade_many([(bank[k], bank[k].reference_answer) for k in keys], encoder=encoder)
    problems = [(k, g.score, g.flags) for k, g in zip(keys, grades, strict=True) if g.score < 90 or g.flags]
    assert problems == []
    # ... and its checklist agrees: no point of its own rubric is reported missed.
    missed = [(k, [r.id for r in g.key_points if not r.covered]) for k, g in zip(keys, grades, strict=True)
              if not all(r.covered for r in g.key_points)]
    assert missed == []
