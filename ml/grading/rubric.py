"""The rubric grader: key points checked against the answer's sentences by embedding similarity.

Works without an LLM, is deterministic, and grades a batch with one call to the encoder.
The method, the thresholds and how they were calibrated are in docs/grading.md.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ml.grading.answer_text import (
    Sentence,
    content_stems,
    contradiction,
    sentence_quality,
    specifics,
    split_sentences,
    words,
)
from ml.grading.features import answer_features, key_point_features
from ml.grading.model import GraderModel, default_model
from ml.grading.types import Grade, KeyPointResult, QuestionSpec
from ml.injection import injection_sentences

if TYPE_CHECKING:
    from numpy.typing import NDArray


class TextEncoder(Protocol):
    def encode(self, texts: list[str], *, batch_size: int = 64) -> NDArray[np.float32]: ...


@dataclass(frozen=True)
class RubricParams:
    """The fixed (not fitted) settings of the rubric grader, on all-MiniLM-L6-v2 cosines. What is
    fitted lives in calibration.json (`ml.grading.model`); see docs/grading.md."""

    # Match score of a sentence for a key point (see `_match`): cosine relative to the reference
    # answer's cosine, blended with the share of the key point's content words the sentence uses.
    alpha: float = 0.4  # weight of the relative cosine; 1 - alpha goes to the word overlap
    default_reference_similarity: float = 0.65  # used when a question has no reference answer
    lower: float = 0.05  # a contradicting sentence matching a point less than this says nothing about it
    upper: float = 0.30  # a contradicting sentence matching a point this well is squarely about it
    max_points_per_sentence: int = 2  # one sentence cannot cover everything by being a word salad
    contradiction_report_below: float = 0.3  # a contradiction is reported only under this coverage probability
    injection_penalty: int = 10  # points taken off when the answer addresses the grader
    duplicate_similarity: float = 0.92  # sentences this close are repetitions
    on_topic_similarity: float = 0.35  # a sentence this close to the prompt or a key point is on topic


DEFAULT_PARAMS = RubricParams()
GRADER_VERSION = "rubric-v2 (fitted bands, all-MiniLM-L6-v2)"

_CONNECTIVE_RE = re.compile(
    r"\b(because|so|therefore|thus|which means|for example|for instance|e\.g\.|such as|first|then|"
    r"finally|however|while|whereas|instead|if|when|since|after|before|rather than)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Unit:
    """A span of the answer that can be evidence: one sentence or two adjacent ones."""

    start: int
    end: int
    members: tuple[int, ...]  # indices into the kept sentences
    quality: float


@dataclass
class _Prepared:
    question: QuestionSpec
    answer: str
    sentences: list[Sentence]
    injected: set[int]
    kept: list[Sentence]
    kept_quality: list[float]
    quality_reasons: set[str]
    units: list[_Unit] = field(default_factory=list)

    def unit_text(self, unit: _Unit) -> str:
        return self.answer[unit.start : unit.end]


def grade_with_rubric(
    question: QuestionSpec,
    answer: str,
    *,
    encoder: TextEncoder | None = None,
    params: RubricParams = DEFAULT_PARAMS,
) -> Grade:
    """Grade one answer against the question's key points."""
    return grade_many([(question, answer)], encoder=encoder, params=params)[0]


def grade_many(
    pairs: Sequence[tuple[QuestionSpec, str]],
    *,
    encoder: TextEncoder | None = None,
    params: RubricParams = DEFAULT_PARAMS,
    model: GraderModel | None = None,
) -> list[Grade]:
    """Grade many (question, answer) pairs with a single encoder call for all their texts."""
    model = model or default_model()
    return [_grade(m, params, model) for m in measure_many(pairs, encoder=encoder, params=params, model=model)]


def measure_many(
    pairs: Sequence[tuple[QuestionSpec, str]],
    *,
    encoder: TextEncoder | None = None,
    params: RubricParams = DEFAULT_PARAMS,
    model: GraderModel | None = None,
) -> list[Measurement]:
    """What the grader measures in each answer (its features), before the score is decided; the
    fitting reads these. One encoder call for every text of the batch."""
    if encoder is None:
        from ml.embeddings import get_encoder

        encoder = get_encoder()
    prepared = [_prepare(question, answer) for question, answer in pairs]
    references: dict[str, _Prepared] = {}
    for item in prepared:
        reference = item.question.reference_answer
        if reference and reference not in references:
            references[reference] = _prepare(item.question, reference)
    texts: dict[str, int] = {}
    question_side: set[str] = set()  # key points, prompts, reference sentences: the same every time
    for item in [*prepared, *references.values()]:
        for text in [*(kp.text for kp in item.question.key_points), item.question.prompt]:
            texts.setdefault(text, len(texts))
            question_side.add(text)
        for unit in item.units:
            texts.setdefault(item.unit_text(unit), len(texts))
    for ref_item in references.values():
        question_side.update(ref_item.unit_text(unit) for unit in ref_item.units)
    vectors = _encode(encoder, list(texts), question_side)
    model = model or default_model()
    return [
        _measure(item, references.get(item.question.reference_answer), texts, vectors, params, model)
        for item in prepared
    ]


# Vectors of question-side texts per encoder, so grading one answer at a time does not re-embed the
# key points and the reference answer on every call.
_question_vectors: weakref.WeakKeyDictionary[Any, dict[str, NDArray[np.float32]]] = (
    weakref.WeakKeyDictionary()
)
_QUESTION_CACHE_SIZE = 20000


def _encode(encoder: TextEncoder, texts: list[str], question_side: set[str]) -> NDArray[np.float32]:
    """One encoder call for every text not already cached."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    try:
        cache = _question_vectors.setdefault(encoder, {})
    except TypeError:  # an encoder that cannot be weakly referenced: no cache
        cache = {}
    missing = [t for t in texts if t not in cache]
    fresh = encoder.encode(missing) if missing else np.zeros((0, 1), dtype=np.float32)
    found = dict(zip(missing, fresh, strict=True))
    if len(cache) > _QUESTION_CACHE_SIZE:
        cache.clear()
    cache.update({t: v for t, v in found.items() if t in question_side})
    return np.stack([found[t] if t in found else cache[t] for t in texts]).astype(np.float32, copy=False)


def _prepare(question: QuestionSpec, answer: str) -> _Prepared:
    sentences = split_sentences(answer or "")
    injected = injection_sentences(sentences, answer or "")
    kept_positions = [i for i in range(len(sentences)) if i not in injected]
    kept = [sentences[i] for i in kept_positions]
    qualities = [sentence_quality(s.text) for s in kept]
    item = _Prepared(
        question=question,
        answer=answer or "",
        sentences=sentences,
        injected=injected,
        kept=kept,
        kept_quality=[q for q, _ in qualities],
        quality_reasons={reason for q, reason in qualities if reason and q < 1.0},
    )
    for k, sentence in enumerate(kept):
        if item.kept_quality[k] > 0:
            item.units.append(_Unit(sentence.start, sentence.end, (k,), item.kept_quality[k]))
    # Windows of two sentences that were adjacent in the answer: an idea is often spread over two.
    # A window never spans a removed (injected) sentence.
    for k in range(len(kept) - 1):
        if kept_positions[k + 1] != kept_positions[k] + 1:
            continue
        quality = min(item.kept_quality[k], item.kept_quality[k + 1])
        if quality > 0:
            item.units.append(_Unit(kept[k].start, kept[k + 1].end, (k, k + 1), quality))
    return item


def _cosines(item: _Prepared, index: dict[str, int], vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """(units, key points) cosine similarities, rounded so batching can never flip a decision."""
    unit_vectors = vectors[[index[item.unit_text(u)] for u in item.units]]
    kp_vectors = vectors[[index[kp.text] for kp in item.question.key_points]]
    return np.round(unit_vectors @ kp_vectors.T, 4)


def _match(
    item: _Prepared, cosines: NDArray[np.float32], reference: NDArray[np.float32] | None, params: RubricParams
) -> NDArray[np.float64]:
    """Match score of every unit for every key point.

    alpha * (cosine - reference cosine) + (1 - alpha) * overlap, where the reference cosine is how
    close the question's own reference answer gets to the key point (so abstract key points, such
    as the STAR points of behavioral questions, are not held to the bar of concrete ones), and
    overlap is the share of the key point's content words (stemmed) that the unit uses.
    """
    key_points = item.question.key_points
    if reference is None:
        reference = np.full(len(key_points), params.default_reference_similarity, dtype=np.float32)
    kp_stems = [content_stems(kp.text) for kp in key_points]
    # A word shared by several key points of the question says little about which one a sentence
    # states: each word counts 1 / (number of key points using it).
    frequency: dict[str, int] = {}
    for stems in kp_stems:
        for word in stems:
            frequency[word] = frequency.get(word, 0) + 1
    overlap = np.array(
        [
            [
                sum(1 / frequency[w] for w in stems & unit_stems)
                / max(sum(1 / frequency[w] for w in stems), 1e-9)
                for stems in kp_stems
            ]
            for unit_stems in (content_stems(item.unit_text(u)) for u in item.units)
        ],
        dtype=np.float64,
    )
    return np.round(params.alpha * (cosines - reference[None, :]) + (1 - params.alpha) * overlap, 4)


def _closer_member(
    item: _Prepared, match: NDArray[np.float64], sentence_unit: dict[int, int], n: int, i: int
) -> int:
    members = item.units[n].members
    if len(members) == 1:
        return members[0]
    return max(members, key=lambda k: (float(match[sentence_unit[k], i]) if k in sentence_unit else -9.0, -k))


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
        np.where(_contradiction_mask(item, contradicted, match), -1.0, match), flags_contradicted,
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
        n = assigned.get(i)
        covered = bool(probability[i] >= threshold and n is not None and item.units[n].quality >= 0.5)
        evidence = item.unit_text(item.units[n]) if covered and n is not None else None
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


def _kp_vectors(item: _Prepared, index: dict[str, int], vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    return vectors[[index[kp.text] for kp in item.question.key_points]]


def _contradiction_mask(
    item: _Prepared, contradicted: dict[int, tuple[float, str]], match: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Units that are a contradicting sentence of a key point it decides: they are no evidence for it."""
    mask = np.zeros_like(match, dtype=bool)
    for i, (_, text) in contradicted.items():
        for n, unit in enumerate(item.units):
            if any(item.kept[k].text == text for k in unit.members):
                mask[n, i] = True
    return mask


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
