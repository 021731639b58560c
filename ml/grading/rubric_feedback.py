"""The rubric grade's communication score and the feedback written to the learner."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ml.grading.answer_text import (
    words,
)
from ml.grading.rubric_match import _Prepared
from ml.grading.rubric_params import RubricParams
from ml.grading.types import Grade, KeyPointResult

if TYPE_CHECKING:
    from numpy.typing import NDArray


_CONNECTIVE_RE = re.compile(
    r"\b(because|so|therefore|thus|which means|for example|for instance|e\.g\.|such as|first|then|"
    r"finally|however|while|whereas|instead|if|when|since|after|before|rather than)\b",
    re.IGNORECASE,
)


def _communication(
    item: _Prepared,
    index: dict[str, int],
    vectors: NDArray[np.float32],
    cosines: NDArray[np.float32],
    sentence_unit: dict[int, int],
    params: RubricParams,
) -> tuple[int, bool]:
    """Structure and readability of the kept sentences, not their number; also whether any of them
    is on topic at all."""
    n = len(item.kept)
    real = sum(item.kept_quality) / n
    mean_words = sum(len(words(s.text)) for s in item.kept) / n
    length = mean_words / 8 if mean_words < 8 else max(0.0, 1.0 - max(0.0, mean_words - 30) / 30)
    connected = sum(1 for s in item.kept if _CONNECTIVE_RE.search(s.text)) / n
    prompt_vector = vectors[index[item.question.prompt]]
    sentence_vectors = {k: vectors[index[item.unit_text(item.units[u])]] for k, u in sentence_unit.items()}
    relevant = 0
    for k, vector in sentence_vectors.items():
        to_prompt = float(vector @ prompt_vector)
        if max(float(cosines[sentence_unit[k]].max()), to_prompt) >= params.on_topic_similarity:
            relevant += 1
    focus = relevant / n
    ordered = [sentence_vectors[k] for k in sorted(sentence_vectors)]
    repeated = sum(
        1
        for a in range(1, len(ordered))
        if any(float(ordered[a] @ ordered[b]) >= params.duplicate_similarity for b in range(a))
    )
    repetition = repeated / max(len(ordered), 1)
    value = 100 * (0.3 * real + 0.2 * length + 0.2 * min(1.0, 2 * connected) + 0.3 * focus) * (1 - repetition)
    return _clip(value), relevant == 0


def _empty_grade(item: _Prepared, injection: bool) -> Grade:
    results = [
        KeyPointResult(i, kp.text, kp.weight, False, 0.0, None, kp.id)
        for i, kp in enumerate(item.question.key_points)
    ]
    flags = ["injection_suspected"] if injection else []
    flags.extend(sorted(item.quality_reasons & {"keyword_list", "word_salad"}))
    flags.append("empty" if not item.kept else "no_sentences")
    return Grade(
        score=0,
        dimensions={"correctness": 0, "depth": 0, "communication": 0},
        key_points=results,
        feedback=write_feedback(results, contradicted=[], injection=injection, flags=flags),
        grader="rubric",
        injection_suspected=injection,
        flags=flags,
    )


def write_feedback(
    results: list[KeyPointResult], *, contradicted: Sequence[int], injection: bool, flags: Sequence[str]
) -> str:
    """Feedback for the learner that names every key point the answer missed."""
    lines: list[str] = []
    if "empty" in flags:
        lines.append("No answer was given.")
    covered = [r for r in results if r.covered]
    lines.append(f"You covered {len(covered)} of {len(results)} key points.")
    contradicted_set = set(contradicted)
    for r in results:
        if r.index in contradicted_set:
            lines.append(f"- Check this, your answer says the opposite: {r.text}")
        elif not r.covered:
            lines.append(f"- Missed: {r.text}")
    if "keyword_list" in flags or "word_salad" in flags or "no_sentences" in flags:
        lines.append("Explain in full sentences: lists of terms earn no credit.")
    if "off_topic" in flags:
        lines.append("The answer does not address the question that was asked.")
    if injection:
        lines.append("Text addressed to the grader was ignored and cost points.")
    return "\n".join(lines)


def _clip(value: float) -> int:
    return int(min(100, max(0, round(value))))
