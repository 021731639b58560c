"""The older labelled set (data/grading_eval), now training data only: its shape and the Spearman helper.
Agreement is measured on the honest corpus's test split (tests/ml/test_grading_corpus.py)."""

from __future__ import annotations

from pathlib import Path

from ml.grading.evaluation import CATEGORIES, load_eval_set, spearman

EVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "grading_eval"


def test_eval_set_shape() -> None:
    questions = load_eval_set(EVAL_DIR)
    assert len(questions) >= 12
    assert len({q.spec.round for q in questions}) == 5
    answers = [a for q in questions for a in q.answers]
    assert len(answers) >= 60
    for q in questions:
        assert len(q.answers) >= 5
        assert {a.category for a in q.answers} == set(CATEGORIES)


def test_spearman_helper() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert abs(spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 0.9487) < 1e-3
