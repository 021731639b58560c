"""Combining rubric and judge grades."""

from __future__ import annotations

from ml.grading.combine import combine
from ml.grading.types import Grade, KeyPointResult

TEXTS = ["point a", "point b", "point c"]


def grade(
    grader: str,
    covered: list[bool],
    similarity: list[float],
    *,
    score: int,
    injection: bool = False,
    dims: int = 50,
) -> Grade:
    return Grade(
        score=score,
        dimensions={"correctness": dims, "depth": dims, "communication": dims},
        key_points=[
            KeyPointResult(i, TEXTS[i], w, c, s, f"evidence {i}" if c else None)
            for i, (w, c, s) in enumerate(zip([2.0, 1.0, 1.0], covered, similarity, strict=True))
        ],
        feedback="Judge says hello.\n- Missed: point c" if grader == "llm" else "",
        grader=grader,  # type: ignore[arg-type]
        injection_suspected=injection,
        flags=["injection_suspected"] if injection else [],
        prompt_version="judge-v1" if grader == "llm" else None,
    )


def test_covered_when_the_judge_verifies_it_or_the_rubric_is_sure() -> None:
    # The rubric's similarity is its probability that the point is stated.
    rubric = grade("rubric", [True, True, False], [0.92, 0.5, 0.1], score=60)
    judge = grade("llm", [False, False, True], [0.45, 0.12, 0.0], score=25, dims=80)
    combined = combine(rubric, judge)
    # a: the rubric is sure (>= 0.8); b: the rubric is unsure and the judge says no; c: judge says yes.
    assert [kp.covered for kp in combined.key_points] == [True, False, True]
    assert combined.score == 75
    assert combined.grader == "rubric+llm" and combined.prompt_version == "judge-v1"
    assert combined.dimensions["depth"] == round(0.6 * 80 + 0.4 * 50)
    assert "- Missed: point b" in combined.feedback and "Judge says hello." in combined.feedback
    assert "point c" not in combined.feedback


def test_never_higher_than_either_grader_under_injection() -> None:
    rubric = grade("rubric", [True, True, True], [0.5, 0.5, 0.5], score=40, injection=True, dims=70)
    judge = grade("llm", [True, True, True], [0.5, 0.5, 0.5], score=90, dims=100)
    combined = combine(rubric, judge)
    assert combined.injection_suspected
    assert combined.score <= min(rubric.score, judge.score)
    assert combined.dimensions == {"correctness": 70, "depth": 70, "communication": 70}
