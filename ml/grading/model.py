"""The rubric grader's fitted part: two small linear models whose weights live in calibration.json.

1. Key point covered?  A logistic regression over `features.KEY_POINT_FEATURES` gives each key point a
   probability of being stated; a point is *covered* from `cover_threshold`.
2. Score.  A multinomial logistic regression over the standardised `features.ANSWER_FEATURES` gives
   the probability that an expert would place the answer in each band (excellent, good, weak,
   wrong, off-topic, empty); the score is the expected expert score over those bands, read from the
   distribution sharpened by `sharpness` (p ** sharpness, renormalised; 1 = the plain expectation).
   Expected values keep the score smooth: an answer between "good" and "excellent" lands between
   them. The plain expectation pulls every uncertain answer toward the middle of the scale (a clear
   "excellent" at 80 % loses 15 points to the other bands); sharpening, chosen on train + dev, keeps the
   ranking and puts confident answers where an expert would.

Both are fitted by `ml.grading.fitting` on the corpus's train and dev splits only
(`python bench/grading_eval.py --fit`); the test split never sees them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ml.grading.features import ANSWER_FEATURES, KEY_POINT_FEATURES

if TYPE_CHECKING:
    from numpy.typing import NDArray

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class GraderModel:
    version: str
    encoder: str
    key_point_weights: NDArray[np.float64]
    key_point_bias: float
    cover_threshold: float
    answer_mean: NDArray[np.float64]
    answer_scale: NDArray[np.float64]
    band_names: tuple[str, ...]
    band_weights: NDArray[np.float64]  # bands x features
    band_bias: NDArray[np.float64]
    band_scores: NDArray[np.float64]  # the expert's mean score in each band
    fitted_on: dict[str, Any]
    sharpness: float = 1.0  # exponent on the band probabilities before the expectation

    def key_point_probability(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """(key points,) probabilities from (key points x KEY_POINT_FEATURES)."""
        z = features @ self.key_point_weights + self.key_point_bias
        return 1.0 / (1.0 + np.exp(-z))

    def band_probabilities(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        # A measure the question cannot give (no red flags) is read as the training mean: no evidence.
        features = np.where(np.isnan(features), self.answer_mean, features)
        z = ((features - self.answer_mean) / self.answer_scale) @ self.band_weights.T + self.band_bias
        z = z - z.max()
        p = np.exp(z)
        return p / p.sum()

    def score(self, features: NDArray[np.float64]) -> float:
        """The expected expert score (0-100) of an answer with these ANSWER_FEATURES."""
        p = self.band_probabilities(features)
        if self.sharpness != 1.0:
            p = p ** self.sharpness
            p = p / p.sum()
        return float(p @ self.band_scores)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "encoder": self.encoder,
            "key_point": {"features": list(KEY_POINT_FEATURES), "weights": _round(self.key_point_weights),
                          "bias": round(self.key_point_bias, 6), "cover_threshold": round(self.cover_threshold, 4)},
            "answer": {"features": list(ANSWER_FEATURES), "mean": _round(self.answer_mean),
                       "scale": _round(self.answer_scale), "bands": list(self.band_names),
                       "weights": [_round(row) for row in self.band_weights], "bias": _round(self.band_bias),
                       "band_scores": _round(self.band_scores), "sharpness": self.sharpness},
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GraderModel:
        kp, answer = data["key_point"], data["answer"]
        if tuple(kp["features"]) != KEY_POINT_FEATURES or tuple(answer["features"]) != ANSWER_FEATURES:
            raise ValueError("calibration.json was fitted on other features: refit with bench/grading_eval.py --fit")
        return cls(
            version=str(data["version"]),
            encoder=str(data["encoder"]),
            key_point_weights=np.asarray(kp["weights"], dtype=np.float64),
            key_point_bias=float(kp["bias"]),
            cover_threshold=float(kp["cover_threshold"]),
            answer_mean=np.asarray(answer["mean"], dtype=np.float64),
            answer_scale=np.asarray(answer["scale"], dtype=np.float64),
            band_names=tuple(answer["bands"]),
            band_weights=np.asarray(answer["weights"], dtype=np.float64),
            band_bias=np.asarray(answer["bias"], dtype=np.float64),
            band_scores=np.asarray(answer["band_scores"], dtype=np.float64),
            fitted_on=dict(data.get("fitted_on") or {}),
            sharpness=float(answer.get("sharpness", 1.0)),
        )


def _round(values: NDArray[np.float64]) -> list[float]:
    return [round(float(v), 6) for v in values]


@lru_cache(maxsize=1)
def default_model() -> GraderModel:
    return GraderModel.from_json(json.loads(CALIBRATION_PATH.read_text(encoding="utf-8")))
