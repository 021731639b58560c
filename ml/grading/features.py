"""What the rubric grader measures in an answer, as numbers a fitted model turns into a grade.

Two levels (docs/grading.md, "The rubric grader"):

- per key point: how close the answer's best sentence (or pair of adjacent sentences) comes to the
  key point, to the key point relative to how close the reference answer comes, to the reference
  answer's own sentence for that point (the point in the words of a full answer), the blended
  cosine-and-word-overlap match, and whether the closest sentence contradicts the point;
- per answer: how much of the reference answer the answer covers and how much of the answer is
  about it (sentence-level recall and precision against the reference), closeness to the prompt,
  how many distinct on-topic sentences it has, specifics, sentence quality, contradictions.

No learned weights here: `ml.grading.model` holds those. Every quantity is computed from vectors
the caller already has (one encoder call per batch) and plain string processing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ml.grading.answer_text import contradiction, specifics, words

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Vectors = Callable[[Sequence[str]], NDArray[np.float32]]

KEY_POINT_FEATURES: tuple[str, ...] = ("cos", "cos_minus_reference", "cos_to_reference_sentence", "match",
                                       "contradicts", "read")
ANSWER_FEATURES: tuple[str, ...] = (
    "coverage", "answer_to_reference", "answer_to_prompt", "best_sentence_to_reference",
    "on_topic_share", "reference_recall", "reference_precision", "reference_recall_060",
    "reference_precision_060", "reference_recall_median", "reference_recall_max", "quality",
    "distinct_sentences", "on_topic_sentences", "log_words", "specifics", "relevance_mean",
    "prompt_mean", "relevant_055", "relevant_065", "contradicts_reference", "contradicts_key_points",
    "red_flag_lead", "red_flag_share", "read_coverage", "read_max", "read_share", "read_log_mean", "read_log_max",
)
READ_FLOOR = 1e-3  # readings below this are "surely not stated" alike (the reader's own resolution)
DUPLICATE = 0.9  # sentences this close are one sentence said twice
ON_TOPIC = 0.5  # a sentence this close to the reference or a key point is about the question
CLOSE_TO_REFERENCE = 0.55  # a sentence this close to a reference sentence talks about the same thing


@dataclass(frozen=True)
class AnswerView:
    """The parts of an answer (or of a reference answer) the features read."""

    units: list[str]  # sentences and windows of two adjacent sentences
    unit_quality: list[float]
    sentences: list[str]  # kept sentences (injected ones removed), in order
    sentence_quality: list[float]


def key_point_features(
    answer_units: NDArray[np.float32],
    unit_quality: NDArray[np.float64],
    key_points: NDArray[np.float32],
    reference_units: NDArray[np.float32] | None,
    match: NDArray[np.float64],
    contradicts: NDArray[np.bool_],
    reads: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(key points x KEY_POINT_FEATURES) and the reference cosine of each point.

    `answer_units` (units x dim), `match` (units x key points, the blended match), `contradicts`
    (key points: the closest sentence contradicts the point), `reads` (key points: the reader's
    probability that the whole answer states the point, `ml.grading.reader`)."""
    n = len(key_points)
    if reference_units is not None and len(reference_units):
        to_reference = reference_units @ key_points.T
        reference_cos = to_reference.max(axis=0)
        expanded = reference_units[to_reference.argmax(axis=0)]
    else:
        reference_cos = np.full(n, 0.65)
        expanded = key_points
    cos = answer_units @ key_points.T
    cos_expanded = answer_units @ expanded.T
    weighted = unit_quality[:, None]
    best_cos = (cos * weighted).max(axis=0)
    features = np.column_stack([
        best_cos,
        best_cos - reference_cos,
        (cos_expanded * weighted).max(axis=0),
        (match * weighted).max(axis=0),
        contradicts.astype(np.float64),
        reads,
    ])
    return features, reference_cos


def answer_features(
    *,
    coverage: float,
    sentences: Sequence[str],
    sentence_vectors: NDArray[np.float32],
    sentence_quality: Sequence[float],
    reference_sentences: Sequence[str],
    reference_vectors: NDArray[np.float32],
    key_point_texts: Sequence[str],
    key_point_vectors: NDArray[np.float32],
    prompt_vector: NDArray[np.float32],
    red_flag_vectors: NDArray[np.float32] | None = None,
    reads: NDArray[np.float64] | None = None,
    key_point_weights: Sequence[float] | None = None,
) -> NDArray[np.float64]:
    """ANSWER_FEATURES of one answer with at least one kept sentence."""
    reference = reference_vectors if len(reference_vectors) else key_point_vectors
    to_reference = sentence_vectors @ reference.T
    to_points = sentence_vectors @ key_point_vectors.T
    recall, precision = to_reference.max(axis=0), to_reference.max(axis=1)

    def mean_direction(vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        mean = vectors.mean(axis=0).astype(np.float64)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)

    answer_direction = mean_direction(sentence_vectors)
    to_prompt = sentence_vectors @ prompt_vector
    relevance = np.maximum(precision, to_points.max(axis=1))
    distinct: list[int] = []
    for i in range(len(sentence_vectors)):
        if all(float(sentence_vectors[i] @ sentence_vectors[j]) < DUPLICATE for j in distinct):
            distinct.append(i)
    on_topic = [i for i in distinct if relevance[i] > ON_TOPIC]
    n_words = sum(len(words(s)) for s in sentences)
    close = contradicting_reference = contradicting_points = 0
    for i, sentence in enumerate(sentences):
        j = int(to_reference[i].argmax())
        if len(reference_vectors) and to_reference[i, j] > CLOSE_TO_REFERENCE:
            close += 1
            contradicting_reference += contradiction(reference_sentences[j], sentence) is not None
        k = int(to_points[i].argmax())
        if to_points[i, k] > ON_TOPIC:
            contradicting_points += contradiction(key_point_texts[k], sentence) is not None
    return np.array([
        coverage,
        float(answer_direction @ mean_direction(reference)),
        float(answer_direction @ prompt_vector),
        float(precision.max()),
        float(np.mean(to_points.max(axis=1) > 0.4)),
        float(recall.mean()),
        float(precision.mean()),
        float((recall > 0.6).mean()),
        float((precision > 0.6).mean()),
        float(np.median(recall)),
        float(recall.max()),
        float(np.mean(sentence_quality)),
        float(len(distinct)),
        float(len(on_topic)),
        math.log1p(n_words),
        float(min(20, sum(specifics(s) for s in sentences))),
        float(relevance.mean()),
        float(to_prompt.mean()),
        float((relevance > 0.55).sum()),
        float((relevance > 0.65).sum()),
        contradicting_reference / max(close, 1),
        contradicting_points / max(len(sentences), 1),
        *_red_flag_features(sentence_vectors, relevance, red_flag_vectors),
        *_read_features(reads, key_point_weights),
    ])


def _red_flag_features(
    sentence_vectors: NDArray[np.float32], relevance: NDArray[np.float64], red_flags: NDArray[np.float32] | None,
) -> list[float]:
    """How the answer stands to the question's red flags (statements of a wrong or bad answer): how much
    closer its sentence nearest to a red flag comes to it than to anything in the reference answer or the
    key points, and the share of on-topic sentences that are closer to a red flag. NaN for a question
    without red flags: the model reads the training mean there (no evidence either way)."""
    if red_flags is None or not len(red_flags):
        return [math.nan, math.nan]
    best = (sentence_vectors @ red_flags.T).max(axis=1)
    lead = best - relevance
    on_topic = np.maximum(best, relevance) > ON_TOPIC
    return [float(lead.max()), float(((lead > 0) & on_topic).sum() / max(int(on_topic.sum()), 1))]


def _read_features(reads: NDArray[np.float64] | None, weights: Sequence[float] | None) -> list[float]:
    """The reader's view of the whole answer: the weighted share of the key points it states, its surest
    point, the share of points it more likely states than not, and the mean and largest log reading. The
    logs tell apart what the probabilities squash together near 0: an answer the reader is sure states
    nothing (off topic, empty) from one that might state something (a wrong answer on the topic); they
    took the out-of-fold Spearman over train and dev from 0.852 to 0.872 (docs/benchmarks.md, rubric-v5)."""
    if reads is None or not len(reads):
        return [math.nan] * 5
    w = np.asarray(weights if weights is not None else np.ones(len(reads)), dtype=np.float64)
    logs = np.log(np.clip(reads, READ_FLOOR, 1.0))
    return [float((w * reads).sum() / max(float(w.sum()), 1e-9)), float(reads.max()), float((reads >= 0.5).mean()),
            float(logs.mean()), float(logs.max())]
