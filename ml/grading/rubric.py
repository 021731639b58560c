"""The rubric grader: key points checked against the answer's sentences by embedding similarity.

Works without an LLM, is deterministic, and grades a batch with one call to the encoder.
The method, the thresholds and how they were calibrated are in docs/grading.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ml.grading.answer_text import (
    contradiction,
    specifics,
)
from ml.grading.features import answer_features, key_point_features
from ml.grading.model import GraderModel, default_model
from ml.grading.reader import StatementReader, get_reader
from ml.grading.rubric_feedback import _clip, _communication, _empty_grade, write_feedback
from ml.grading.rubric_match import (
    _closer_member,
    _contradiction_mask,
    _cosines,
    _encode,
    _kp_vectors,
    _match,
    _prepare,
    _Prepared,
)
from ml.grading.rubric_params import DEFAULT_PARAMS, RubricParams, TextEncoder
from ml.grading.types import Grade, KeyPointResult, QuestionSpec

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["DEFAULT_PARAMS", "GRADER_VERSION", "Measurement", "RubricParams", "TextEncoder",
           "grade_many", "grade_with_rubric", "measure_many", "write_feedback"]


GRADER_VERSION = "rubric-v5 (fitted bands, red flags, cross-encoder reader with log readings, all-MiniLM-L6-v2)"


def grade_with_rubric(
    question: QuestionSpec,
    answer: str,
    *,
    encoder: TextEncoder | None = None,
    params: RubricParams = DEFAULT_PARAMS,
    reader: StatementReader | None = None,
) -> Grade:
    """Grade one answer against the question's key points."""
    return grade_many([(question, answer)], encoder=encoder, params=params, reader=reader)[0]


def grade_many(
    pairs: Sequence[tuple[QuestionSpec, str]],
    *,
    encoder: TextEncoder | None = None,
    params: RubricParams = DEFAULT_PARAMS,
    model: GraderModel | None = None,
    reader: StatementReader | None = None,
) -> list[Grade]:
    """Grade many (question, answer) pairs with a single encoder call for all their texts."""
    model = model or default_model()
    return [_grade(m, params, model)
            for m in measure_many(pairs, encoder=encoder, params=params, model=model, reader=reader)]


def measure_many(
    pairs: Sequence[tuple[QuestionSpec, str]],
    *,
    encoder: TextEncoder | None = None,
    params: RubricParams = DEFAULT_PARAMS,
    model: GraderModel | None = None,
    reader: StatementReader | None = None,
) -> list[Measurement]:
    """What the grader measures in each answer (its features), before the score is decided; the
    fitting reads these. One encoder call for every text of the batch, one reader call for every
    (key point, answer) pair."""
    if encoder is None:
        from ml.embeddings import get_encoder

        encoder = get_encoder()
    prepared = [_prepare(question, answer) for question, answer in pairs]
    reads = _read_all(prepared, reader)
    references: dict[str, _Prepared] = {}
    for item in prepared:
        reference = item.question.reference_answer
        if reference and reference not in references:
            references[reference] = _prepare(item.question, reference)
    texts: dict[str, int] = {}
    question_side: set[str] = set()  # key points, prompts, reference sentences: the same every time
    for item in [*prepared, *references.values()]:
        for text in [*(kp.text for kp in item.question.key_points), item.question.prompt, *item.question.red_flags]:
            texts.setdefault(text, len(texts))
            question_side.add(text)
        for unit in item.units:
            texts.setdefault(item.unit_text(unit), len(texts))
    for ref_item in references.values():
        question_side.update(ref_item.unit_text(unit) for unit in ref_item.units)
    vectors = _encode(encoder, list(texts), question_side)
    model = model or default_model()
    return [
        _measure(item, references.get(item.question.reference_answer), texts, vectors, params, model, item_reads)
        for item, item_reads in zip(prepared, reads, strict=True)
    ]


def _read_all(prepared: Sequence[_Prepared], reader: StatementReader | None) -> list[NDArray[np.float64]]:
    """The reader's probability for every key point of every answer that has something to grade (one
    batched call); the reader sees the answer less any sentence addressed to the grader."""
    jobs: list[tuple[int, str, str]] = []
    for n, item in enumerate(prepared):
        if not item.units or not item.question.key_points:
            continue
        text = item.reader_text()
        jobs.extend((n, kp.text, text) for kp in item.question.key_points)
    out = [np.zeros(len(item.question.key_points), dtype=np.float64) for item in prepared]
    if not jobs:
        return out
    values = (reader or get_reader()).read([(statement, text) for _, statement, text in jobs])
    position = [0] * len(prepared)
    for (n, _, _), value in zip(jobs, values, strict=True):
        out[n][position[n]] = value
        position[n] += 1
    return out


@dataclass
class Measurement:
    """One answer as the grader measured it: the features and what grading needs besides them."""

    item: _Prepared
    index: dict[str, int]
    vectors: NDArray[np.float32]
    key_point_features: NDArray[np.float64] | None = None  # None: nothing gradable in the answer
    answer_features: NDArray[np.float64] | None = None
    probability: NDArray[np.float64] | None = None
    match: NDArray[np.float64] | None = None
    cosines: NDArray[np.float32] | None = None
    contradicted: dict[int, tuple[float, str]] = field(default_factory=dict)
    allowed: dict[int, list[int]] = field(default_factory=dict)
    coverage: float = 0.0


def _measure(
    item: _Prepared,
    reference: _Prepared | None,
    index: dict[str, int],
    vectors: NDArray[np.float32],
    params: RubricParams,
    model: GraderModel,
    reads: NDArray[np.float64],
) -> Measurement:
    question = item.question
    key_points = question.key_points
    total_weight = question.total_weight or 1.0
    measured = Measurement(item=item, index=index, vectors=vectors)
    sentence_units = [n for n, u in enumerate(item.units) if len(u.members) == 1]
    if not sentence_units or not key_points:
        return measured

    cosines = _cosines(item, index, vectors)
    reference_vectors = (
        vectors[[index[reference.unit_text(u)] for u in reference.units]] if reference and reference.units else None
    )
    kp_vectors = _kp_vectors(item, index, vectors)
    reference_cos = reference_vectors @ kp_vectors.T if reference_vectors is not None else None
    match = _match(item, cosines, reference_cos.max(axis=0) if reference_cos is not None else None, params)

    def contradicts(n: int, i: int) -> bool:
        return any(contradiction(key_points[i].text, item.kept[k].text) for k in item.units[n].members)

    # For each key point: the units that agree with it (strongest first), and the strongest
    # contradicting sentence when it matches the point better than any agreeing unit.
    contradicted: dict[int, tuple[float, str]] = {}
    allowed: dict[int, list[int]] = {}
    for i in range(len(key_points)):
        best_ok, best_bad, bad_text = -9.0, -9.0, ""
        ok_units: list[int] = []
        for n in (int(n) for n in np.argsort(-match[:, i], kind="stable")):
            value = float(match[n, i])
            # Every unit can be evidence, best match first (whether the point is stated is the fitted
            # model's call); the contradiction rules (negations, opposite words) misfire on correct
            # paraphrases, so they inform the model but never veto a point.
            ok_units.append(n)
            if value < params.lower:
                continue
            if not contradicts(n, i):
                best_ok = max(best_ok, value)
            elif len(item.units[n].members) == 1 and value > best_bad:
                best_bad, bad_text = value, item.kept[item.units[n].members[0]].text
        if best_bad >= params.lower and best_bad > best_ok:
            contradicted[i] = (best_bad, bad_text)
        allowed[i] = ok_units

    unit_vectors = vectors[[index[item.unit_text(u)] for u in item.units]]
    quality = np.array([u.quality for u in item.units], dtype=np.float64)
    flags_contradicted = np.array([i in contradicted for i in range(len(key_points))])
    kp_features, _ = key_point_features(
        unit_vectors, quality, kp_vectors, reference_vectors,
        np.where(_contradiction_mask(item, contradicted, match), -1.0, match), flags_contradicted, reads,
    )
    probability = model.key_point_probability(kp_features)
    coverage = float(sum(kp.weight * p for kp, p in zip(key_points, probability, strict=True)) / total_weight)
    sentence_texts = [item.unit_text(item.units[n]) for n in sentence_units]
    reference_sentences = (
        [reference.unit_text(u) for u in reference.units if len(u.members) == 1] if reference else []
    )
    measured.answer_features = answer_features(
        coverage=coverage,
        sentences=sentence_texts,
        sentence_vectors=vectors[[index[t] for t in sentence_texts]],
        sentence_quality=[item.units[n].quality for n in sentence_units],
        reference_sentences=reference_sentences,
        reference_vectors=(vectors[[index[t] for t in reference_sentences]] if reference_sentences
                           else np.zeros((0, unit_vectors.shape[1]), dtype=np.float32)),
        key_point_texts=[kp.text for kp in key_points],
        key_point_vectors=kp_vectors,
        prompt_vector=vectors[index[question.prompt]],
        red_flag_vectors=vectors[[index[t] for t in question.red_flags]] if question.red_flags else None,
        reads=reads,
        key_point_weights=[kp.weight for kp in key_points],
    )
    measured.key_point_features, measured.probability, measured.coverage = kp_features, probability, coverage
    measured.match, measured.cosines, measured.contradicted, measured.allowed = match, cosines, contradicted, allowed
    return measured


def _grade(measured: Measurement, params: RubricParams, model: GraderModel) -> Grade:
    item, index, vectors = measured.item, measured.index, measured.vectors
    key_points = item.question.key_points
    injection = bool(item.injected)
    probability, match, cosines = measured.probability, measured.match, measured.cosines
    if measured.answer_features is None or probability is None or match is None or cosines is None:
        return _empty_grade(item, injection)
    contradicted, allowed, coverage = measured.contradicted, measured.allowed, measured.coverage

    # Evidence: units assigned greedily, strongest match first; a sentence backs at most N points.
    sentence_unit = {u.members[0]: n for n, u in enumerate(item.units) if len(u.members) == 1}
    capacity = [params.max_points_per_sentence] * len(item.kept)
    assigned: dict[int, int] = {}
    candidates = sorted(
        ((float(match[n, i]), i, n) for i, units in allowed.items() for n in units),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    for _, i, n in candidates:
        charged = _closer_member(item, match, sentence_unit, n, i)
        if i in assigned or capacity[charged] <= 0:
            continue
        assigned[i] = n
        capacity[charged] -= 1

    correctness = _clip(model.score(measured.answer_features))
    # The checklist agrees with the score: the surer the model is that the whole answer is strong,
    # the lower the bar for each point (at 95 about half the fitted threshold), so an excellent answer
    # is not told it "missed" a point it states in its own words.
    threshold = model.cover_threshold * (1 - 0.5 * correctness / 100)
    results: list[KeyPointResult] = []
    for i, kp in enumerate(key_points):
        unit = assigned.get(i)
        covered = bool(probability[i] >= threshold and unit is not None and item.units[unit].quality >= 0.5)
        evidence = item.unit_text(item.units[unit]) if covered and unit is not None else None
        results.append(KeyPointResult(i, kp.text, kp.weight, covered, round(float(probability[i]), 4), evidence, kp.id))

    # "Your answer says the opposite" only where the contradicting sentence is squarely about the point
    # and the model is confident the point is not stated: a correct answer must never be told it
    # contradicts itself.
    confident = {i: found for i, found in contradicted.items()
                 if found[0] >= params.upper and probability[i] < params.contradiction_report_below
                 and not results[i].covered}
    score = _clip(correctness - (params.injection_penalty if injection else 0))

    heavy = [i for i, kp in enumerate(key_points) if kp.weight >= 2] or list(range(len(key_points)))
    heavy_weight = sum(key_points[i].weight for i in heavy) or 1.0
    heavy_coverage = sum(key_points[i].weight * float(probability[i]) for i in heavy) / heavy_weight
    evidence_units = {assigned[i] for i in assigned if results[i].covered}
    detail = sum(specifics(item.unit_text(item.units[n])) for n in sorted(evidence_units))
    depth = _clip(100 * (0.8 * heavy_coverage + 0.2 * min(1.0, detail / 4) * min(1.0, 2 * coverage)))

    communication, off_topic = _communication(item, index, vectors, cosines, sentence_unit, params)

    flags: list[str] = []
    if injection:
        flags.append("injection_suspected")
    # A list of terms is flagged when it is most of the answer, not for one terse bullet.
    unusable = sum(1 for q in item.kept_quality if q == 0) / max(len(item.kept_quality), 1)
    if unusable >= 0.5:
        flags.extend(sorted(item.quality_reasons & {"keyword_list", "word_salad"}))
    if confident:
        flags.append("contradiction")
    if off_topic:
        flags.append("off_topic")
    misconceptions = [
        f'Contradicts "{key_points[i].text}": "{text}"' for i, (_, text) in sorted(confident.items())
    ]
    return Grade(
        score=score,
        dimensions={"correctness": correctness, "depth": depth, "communication": communication},
        key_points=results,
        feedback=write_feedback(results, contradicted=sorted(confident), injection=injection, flags=flags),
        grader="rubric",
        injection_suspected=injection,
        misconceptions=misconceptions,
        flags=flags,
    )
