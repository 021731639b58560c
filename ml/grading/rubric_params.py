"""The rubric grader's fixed settings and the encoder it needs (shared by its modules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

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
