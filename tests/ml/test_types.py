"""The plain values stored in the database."""

from __future__ import annotations

import json

import pytest

from ml.grading.types import Grade, KeyPoint, KeyPointResult, QuestionSpec


def test_grade_round_trips_through_json() -> None:
    grade = Grade(
        score=72,
        dimensions={"correctness": 70, "depth": 60, "communication": 90},
        key_points=[KeyPointResult(0, "a point", 2.0, True, 0.4123456, "the answer said so")],
        feedback="Missed: b",
        grader="rubric+llm",
        injection_suspected=True,
        misconceptions=["says X"],
        flags=["injection_suspected"],
        prompt_version="judge-v1",
    )
    data = json.loads(json.dumps(grade.to_dict()))
    assert data["key_points"][0]["similarity"] == 0.4123
    restored = Grade.from_dict(data)
    assert restored.to_dict() == grade.to_dict()


def test_grade_rejects_out_of_range_scores() -> None:
    with pytest.raises(ValueError, match="0-100"):
        Grade(
            score=101,
            dimensions={"correctness": 0, "depth": 0, "communication": 0},
            key_points=[],
            feedback="",
            grader="rubric",
        )


def test_question_spec_from_question_bank_mapping() -> None:
    spec = QuestionSpec.from_dict(
        {
            "prompt": " Why? ",
            "round": "coding",
            "key_points": [{"text": "Because.", "weight": 3, "follow_up": "Really?"}, "Plain string point."],
        }
    )
    assert spec.prompt == "Why?"
    assert spec.key_points == (
        KeyPoint("Because.", 3.0, id="k1", follow_up="Really?"),
        KeyPoint("Plain string point.", 1.0, id="k2"),
    )
    assert spec.total_weight == 4.0 and spec.key_point("k1").follow_up == "Really?"
