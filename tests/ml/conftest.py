"""Fixtures of the ml tests: one embedding model per test session, and a fake vLLM server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ml.embeddings import Encoder, get_encoder
from ml.grading.types import KeyPoint, QuestionSpec
from tests.ml.fake_vllm import FakeVLLMServer


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """all-MiniLM-L6-v2, loaded once (about 6 s)."""
    return get_encoder()


@pytest.fixture
def fake_vllm() -> Iterator[FakeVLLMServer]:
    with FakeVLLMServer() as server:
        yield server


@pytest.fixture
def bias_variance() -> QuestionSpec:
    return QuestionSpec(
        prompt="Explain the bias-variance trade-off and how to diagnose it from learning curves.",
        key_points=(
            KeyPoint(
                "High bias (underfitting) shows as high error on both the training and the validation set.", 2
            ),
            KeyPoint(
                "High variance (overfitting) shows as low training error but a much higher validation error.",
                2,
            ),
            KeyPoint(
                "To fix high variance, get more data, regularise more, simplify the model or stop training early.",
                1,
            ),
            KeyPoint("Expected error decomposes into bias squared, variance and irreducible noise.", 1),
        ),
        reference_answer=(
            "Expected error is bias squared plus variance plus noise. With high bias, training and validation "
            "error are both high. With high variance, training error is low but validation error is much higher. "
            "Against variance, add data, regularise, simplify the model or stop early."
        ),
        round="ml_fundamentals",
    )
