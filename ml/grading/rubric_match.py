"""Matching an answer's sentences to key points: encoding (one encoder call per batch, question
vectors cached), match scores and contradictions. Used by `ml.grading.rubric`."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ml.grading.answer_text import (
    Sentence,
    content_stems,
    sentence_quality,
    split_sentences,
)
from ml.grading.rubric_params import RubricParams, TextEncoder
from ml.grading.types import QuestionSpec
from ml.injection import injection_sentences

if TYPE_CHECKING:
    from numpy.typing import NDArray



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

    def reader_text(self) -> str:
        """The answer as the reader reads it: as written, less the sentences addressed to the grader."""
        from ml.grading.reader import reader_text

        return reader_text(self.answer, [(self.sentences[i].start, self.sentences[i].end) for i in self.injected])


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
    missing = [t for t in texts if t not in cache]  # measure_many already passes each text once
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
