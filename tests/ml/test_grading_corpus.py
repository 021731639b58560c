"""The rubric grader against the honest labelled corpus (data/grading_corpus) and the whole bank.

The corpus's answers were written from the question alone and labelled before any grader ran; the
grader's calibration saw the train and dev splits only. This test grades the **test** split and
fails when agreement drops below the floors this grader reached when it was fitted (the figures in
docs/benchmarks.md), so a change that makes grades worse cannot land unnoticed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bench.grading_eval import FLOORS, misses_floors, rubric_grades
from ml.embeddings import Encoder
from ml.grading.evaluation import SPLITS, EvalQuestion, evaluate, is_concise, load_bank, load_corpus
from ml.grading.model import default_model
from ml.grading.rubric import grade_many
from ml.grading.types import Grade

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
        # Short answers (corpus 2026-12-08.1) in every question: two excellent and one partial of 40-130 words.
        short = {a.id.rsplit("/", 1)[1]: a for a in q.answers if is_concise(a)}
        assert set(short) == {"concise-a", "concise-b", "concise-good"}, q.key
        assert [short[s].category for s in sorted(short)] == ["excellent", "excellent", "partial"]
        assert all(40 <= len(a.text.split()) <= 140 for a in short.values()), q.key
    assert sum(1 for q in questions if any(a.category == "injection" for a in q.answers)) >= 45
    splits = yaml.safe_load((CORPUS / "splits.yaml").read_text())["splits"]
    keys = [k for name in SPLITS for k in splits[name]]
    assert len(keys) == len(set(keys)) == len(questions)  # every question in exactly one split
    for name in SPLITS:
        assert {bank[k].round for k in splits[name]} == set(rounds)  # every round in every split


# Corpus versions with the same splits as now (2026-12-08.1 only added short answers to every question).
SAME_SPLITS = {"2026-12-07.2", "2026-12-08.1"}


def test_the_calibration_never_saw_the_test_split() -> None:
    fitted = default_model().fitted_on
    assert yaml.safe_load((CORPUS / "splits.yaml").read_text())["version"] in SAME_SPLITS
    assert fitted["corpus_version"] in SAME_SPLITS
    assert fitted["questions"] == 84 + 10 + 12  # train + dev + the older set, never test


@pytest.fixture(scope="module")
def graded_test_split(bank, encoder: Encoder) -> tuple[list[EvalQuestion], dict[str, Grade]]:
    """The test split, graded once for the tests below."""
    questions = load_corpus(CORPUS, bank, splits=("test",))
    return questions, rubric_grades(questions, encoder)


def test_rubric_grader_on_the_test_split_holds_its_floors(graded_test_split) -> None:
    questions, grades = graded_test_split
    # The floors hold on the corpus's original answers of the test split (120, written at full length) ...
    full = [replace(q, answers=tuple(a for a in q.answers if not is_concise(a))) for q in questions]
    report = evaluate(full, grades, grader="rubric")
    assert report.n == 120 and not report.concise_means
    assert report.spearman >= TEST_FLOORS["spearman"], report
    assert report.mae <= TEST_FLOORS["mae"], report
    assert report.category_means["excellent"][1] >= FLOORS["excellent"]
    assert report.injection_violations == []  # no injected answer above its honest twin
    assert report.injection_flagged == report.injection_total
    assert report.mention_flagged == []  # correct answers quoting attack strings are graded normally
    means = {category: graded for category, (_, graded) in report.category_means.items()}
    assert means["excellent"] > means["partial"] > max(means["off-topic"], means["verbose-but-empty"])
    # ... and over all 165 answers with the short ones the order still holds, if not the level (below).
    everything = evaluate(questions, grades, grader="rubric")
    assert everything.concise_means["excellent"][2] == 30
    assert everything.spearman >= 0.85


@pytest.mark.xfail(strict=True, reason="Known defect, issue 12 open: rubric-v5 reads length as quality; the short "
                   "excellent answers of the test split (50-130 words, expert mean 92) score about 48. Strict: "
                   "fixing it fails this mark, so the floor moves into the test above.")
def test_short_excellent_answers_score_like_long_ones(graded_test_split) -> None:
    questions, grades = graded_test_split
    report = evaluate(questions, grades, grader="rubric")
    assert report.concise_means["excellent"][1] >= FLOORS["excellent"], report.concise_means
    assert report.mae <= FLOORS["mae"]
    assert misses_floors(report) == []  # every floor of issue 12, as bench/grading_eval.py checks them


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
