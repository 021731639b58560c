"""Red flags: statements a confidently wrong answer makes (data/questions/red_flags/). The rubric grader
measures how much closer an answer comes to them than to the reference; a question without red flags is
graded on the rest (the measures read as the training mean)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ml.embeddings import Encoder
from ml.grading.evaluation import load_bank
from ml.grading.rubric import grade_many

BANK = Path(__file__).resolve().parents[2] / "data" / "questions"

# Fluent, on topic and wrong on every point (bias and variance swapped, the wrong fixes); written here,
# not copied from the red flags.
SWAPPED = (
    "When the training error is low but the validation error is much higher, the model has high bias, "
    "because it is too simple to generalise. When both errors are high the model is overfitting: it has "
    "memorised noise. For the high-bias case I would collect more data and add dropout, and for the "
    "overfitting case I would use a bigger network and switch off regularisation. Adding data always "
    "fixes underfitting."
)


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


def test_every_bank_question_has_red_flags(bank) -> None:
    assert len(bank) >= 170
    assert all(len(spec.red_flags) >= 4 for spec in bank.values())


def test_a_confidently_wrong_answer_scores_lower_with_the_questions_red_flags(bank, encoder: Encoder) -> None:
    spec = bank["mlf-bias-variance"]
    without = replace(spec, red_flags=())
    with_flags, without_flags, reference = grade_many(
        [(spec, SWAPPED), (without, SWAPPED), (spec, spec.reference_answer)], encoder=encoder)
    assert with_flags.score < without_flags.score
    assert reference.score >= 90 and not reference.flags


def test_a_question_without_red_flags_is_graded_on_the_rest(bank, encoder: Encoder) -> None:
    spec = replace(bank["mlf-bias-variance"], red_flags=())
    right, wrong = grade_many([(spec, spec.reference_answer), (spec, "I like pizza and long walks.")], encoder=encoder)
    assert right.score >= 90 and 0 <= wrong.score <= 20
