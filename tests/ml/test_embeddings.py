"""The process-wide sentence encoder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from ml.embeddings import EMBEDDING_DIM, Encoder, get_encoder

ROOT = Path(__file__).resolve().parents[2]


def test_importing_embeddings_does_not_import_torch() -> None:
    code = (
        "import sys, ml.embeddings, ml.llm, ml.grading.rubric, ml.interviewer; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_encode_returns_unit_float32_vectors(encoder: Encoder) -> None:
    vectors = encoder.encode(["Overfitting means low training error and high validation error.", "Hello"])
    assert vectors.shape == (2, EMBEDDING_DIM) == (2, encoder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_are_closer_than_unrelated_ones(encoder: Encoder) -> None:
    a, b, c = encoder.encode(
        [
            "The model overfits the training data.",
            "The network memorises its training set.",
            "I cooked pasta for dinner.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_empty_input(encoder: Encoder) -> None:
    assert encoder.encode([]).shape == (0, EMBEDDING_DIM)


def test_encoder_is_loaded_once_per_process(encoder: Encoder) -> None:
    assert get_encoder() is encoder
    assert get_encoder(encoder.model_path) is encoder
