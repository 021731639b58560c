"""Chat LLM backends behind one protocol; `get_llm()` returns the configured one (or None).

Nothing heavy is imported here: httpx, vLLM and transformers load only when a backend is built.
"""

from __future__ import annotations

import threading

from ml.llm.base import (
    ChatBackend,
    ChatResult,
    LLMBadOutput,
    LLMError,
    LLMNotConfigured,
    LLMTimeout,
    LLMUnavailable,
    Message,
)
from ml.llm.config import LLMConfig, llm_configured

__all__ = [
    "ChatBackend",
    "ChatResult",
    "LLMBadOutput",
    "LLMConfig",
    "LLMError",
    "LLMNotConfigured",
    "LLMTimeout",
    "LLMUnavailable",
    "Message",
    "build_backend",
    "get_llm",
    "llm_configured",
]

_backends: dict[LLMConfig, ChatBackend] = {}
_lock = threading.Lock()


def get_llm(config: LLMConfig | None = None) -> ChatBackend | None:
    """The process-wide backend for `config` (default: from the environment); None for `none`."""
    config = config or LLMConfig.from_env()
    if config.backend == "none":
        return None
    backend = _backends.get(config)
    if backend is not None:
        return backend
    with _lock:
        backend = _backends.get(config)
        if backend is None:
            backend = build_backend(config)
            _backends[config] = backend
    return backend


def build_backend(config: LLMConfig) -> ChatBackend:
    """A new backend for `config` (uncached; use `get_llm` in application code)."""
    if config.backend == "openai":
        from ml.llm.openai_compat import OpenAICompatBackend

        return OpenAICompatBackend(config)
    if config.backend == "vllm":
        from ml.llm.vllm_engine import VLLMEngineBackend

        return VLLMEngineBackend(config)
    if config.backend == "local":
        from ml.llm.local import LocalTransformersBackend

        return LocalTransformersBackend(config)
    raise LLMNotConfigured(f"no backend for LLM_BACKEND={config.backend!r}")
