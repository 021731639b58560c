"""Combining the rubric grade and the LLM judge's grade into one ("rubric+llm").

- A key point is covered when the judge covers it with a quote verified in the answer, or when the
  rubric covers it and is sure (its probability that the point is stated is at least 0.8).
- score = weighted share of covered key points, minus the injection penalty; when either grader
  suspects injection the score is never higher than either grader's score.
- Dimensions: 0.6 x judge + 0.4 x rubric (the judge reads reasoning; the rubric anchors it);
  under suspected injection, the lower of the two.
"""

from __future__ import annotations

from ml.grading.types import DIMENSIONS, Grade, KeyPointResult

JUDGE_WEIGHT = 0.6
RUBRIC_STRONG_MATCH = 0.8  # the rubric's probability that the point is stated
INJECTION_PENALTY = 10


def combine(rubric: Grade, judge: Grade) -> Grade:
    if len(rubric.key_points) != len(judge.key_points):
        raise ValueError("the two grades are not for the same question")
    results: list[KeyPointResult] = []
    covered_weight = total_weight = 0.0
    for from_rubric, from_judge in zip(rubric.key_points, judge.key_points, strict=True):
        strong_rubric = from_rubric.covered and from_rubric.similarity >= RUBRIC_STRONG_MATCH
        covered = from_judge.covered or strong_rubric
        evidence = from_judge.evidence if from_judge.covered else from_rubric.evidence if covered else None
        results.append(
            KeyPointResult(
                from_rubric.index,
                from_rubric.text,
                from_rubric.weight,
                covered,
                from_rubric.similarity,
                evidence,
                from_rubric.id,
            )
        )
        total_weight += from_rubric.weight
        covered_weight += from_rubric.weight if covered else 0.0

    injection = rubric.injection_suspected or judge.injection_suspected
    score = round(100 * covered_weight / (total_weight or 1.0))
    if injection:
        score = min(score - INJECTION_PENALTY, rubric.score, judge.score)
    dimensions = {
        name: min(rubric.dimensions[name], judge.dimensions[name])
        if injection
        else round(JUDGE_WEIGHT * judge.dimensions[name] + (1 - JUDGE_WEIGHT) * rubric.dimensions[name])
        for name in DIMENSIONS
    }
    judge_words = [line for line in judge.feedback.splitlines() if not line.startswith("- Missed:")]
    missed = [f"- Missed: {r.text}" for r in results if not r.covered]
    if injection:
        missed.append("Text addressed to the grader was ignored and cost points.")
    return Grade(
        score=int(min(100, max(0, score))),
        dimensions=dimensions,
        key_points=results,
        feedback="\n".join([*judge_words, *missed]),
        grader="rubric+llm",
        injection_suspected=injection,
        misconceptions=list(dict.fromkeys([*judge.misconceptions, *rubric.misconceptions])),
        flags=sorted(set(rubric.flags) | set(judge.flags)),
        prompt_version=judge.prompt_version,
    )
