"""In-process vLLM engine (`vllm.LLM`) for a GPU worker that grades in large batches.

vLLM is imported only here, only when this backend is built; without it the error says which
extra to install. Structured output uses `SamplingParams(structured_outputs=StructuredOutputsParams(
json=schema))` (vLLM >= 0.12); older releases get `guided_decoding=GuidedDecodingParams(json=schema)`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ml.llm.base import (
    BatchFirstBackend,
    ChatResult,
    LLMBadOutput,
    LLMNotConfigured,
    Message,
    bounded_max_tokens,
    check_result,
    repair_messages,
)
from ml.llm.config import LLMConfig

logger = logging.getLogger(__name__)

MISSING_VLLM = (
    "LLM_BACKEND=vllm needs vLLM installed in this process: pip install 'llm-career-coach[gpu]' "
    "on a CUDA machine, or serve the model with `vllm serve` and use LLM_BACKEND=openai with LLM_BASE_URL."
)


class VLLMEngineBackend(BatchFirstBackend):
    name = "vllm"

    def __init__(self, config: LLMConfig) -> None:
        try:
            import vllm
        except ImportError as exc:
            raise LLMNotConfigured(MISSING_VLLM) from exc
        model = config.model_path or config.model
        if not model:
            raise LLMNotConfigured(
                "LLM_BACKEND=vllm needs LLM_MODEL (a model name or folder) or LLM_MODEL_PATH"
            )
        self._config = config
        self._vllm = vllm
        self._model_name = model
        self._llm = vllm.LLM(model=model, seed=0)

    def _sampling_params(
        self, json_schema: dict[str, Any] | None, max_tokens: int, temperature: float, seed: int
    ) -> Any:
        kwargs: dict[str, Any] = {
            "temperature": float(temperature),
            "seed": int(seed),
            "max_tokens": bounded_max_tokens(max_tokens),
        }
        if json_schema is not None:
            try:
                from vllm.sampling_params import StructuredOutputsParams

                kwargs["structured_outputs"] = StructuredOutputsParams(json=json_schema)
            except ImportError:  # vLLM < 0.11
                from vllm.sampling_params import GuidedDecodingParams

                kwargs["guided_decoding"] = GuidedDecodingParams(json=json_schema)
        return self._vllm.SamplingParams(**kwargs)

    def chat_batch(
        self,
        list_of_messages: list[list[Message]],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[ChatResult]:
        """One batched `llm.chat` call; replies that fail validation are retried together, with the
        validation error fed back, up to LLM_MAX_RETRIES times."""
        conversations = [list(m) for m in list_of_messages]
        results: list[ChatResult | None] = [None] * len(conversations)
        errors: dict[int, LLMBadOutput] = {}
        pending = list(range(len(conversations)))
        budget = max_tokens
        for _ in range(self._config.max_retries + 1):
            if not pending:
                break
            params = self._sampling_params(json_schema, budget, temperature, seed)
            started = time.perf_counter()
            outputs = self._llm.chat([conversations[i] for i in pending], params, use_tqdm=False)
            latency = (time.perf_counter() - started) / max(len(pending), 1)
            still_pending: list[int] = []
            for i, output in zip(pending, outputs, strict=True):
                completion = output.outputs[0]
                text, finish = completion.text, str(completion.finish_reason or "stop")
                try:
                    parsed = check_result(text, finish, json_schema)
                except LLMBadOutput as exc:
                    logger.warning("LLM bad output from vllm engine: %s", exc)
                    errors[i] = exc
                    if finish == "length":
                        budget = bounded_max_tokens(budget * 2)
                    else:
                        conversations[i] = repair_messages(list(list_of_messages[i]), text, exc)
                    still_pending.append(i)
                    continue
                results[i] = ChatResult(
                    text=text,
                    parsed=parsed,
                    usage={
                        "prompt_tokens": len(output.prompt_token_ids or []),
                        "completion_tokens": len(completion.token_ids or []),
                    },
                    model=self._model_name,
                    latency_s=latency,
                    finish_reason=finish,
                )
            pending = still_pending
        if pending:
            raise errors[pending[0]]
        return [r for r in results if r is not None]

    def health(self) -> str:
        return "ok"
