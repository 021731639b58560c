"""Client for an OpenAI-compatible chat server (`vllm serve`), through the `openai` SDK that vLLM documents.

The SDK owns the transport: time-outs, retries with exponential back-off and jitter on connection
errors, time-outs, 408/409/429 and 5xx (LLM_MAX_RETRIES), and the connection pool (LLM_MAX_CONCURRENCY
connections, so no more requests are in flight per process). This module adds what the SDK does not
know: our error types, the JSON-schema check of the reply, and asking again after an unusable reply.

Structured output is requested ONLY with `response_format: {type: json_schema, json_schema: {...}}`.
# vLLM ignores guided_json (and every guided_* field) silently since 0.12; response_format is the
# only field that both vLLM and OpenAI honour, so no guided_* key is ever sent.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai

from ml.llm.base import (
    ChatResult,
    LLMBadOutput,
    LLMError,
    LLMNotConfigured,
    LLMTimeout,
    LLMUnavailable,
    Message,
    bounded_max_tokens,
    check_result,
    repair_messages,
    schema_name,
)
from ml.llm.config import LLMConfig

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT_S = 5.0


def api_root(base_url: str) -> str:
    """`http://host:8000`, `http://host:8000/` and `http://host:8000/v1` all become `http://host:8000/v1`."""
    root = base_url.strip().rstrip("/")
    return root if root.endswith("/v1") else f"{root}/v1"


def _transport_error(exc: openai.OpenAIError, what: str) -> LLMError:
    """The SDK's error (raised once its own retries are spent) as one of ours."""
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeout(f"no reply from {what}")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable(f"cannot reach {what}: {exc}")
    if isinstance(exc, openai.APIStatusError):
        message = f"HTTP {exc.status_code} from {what}: {exc.response.text[:300]}"
        # 429 means "busy, come back later" like a 5xx; other 4xx are our mistake.
        if exc.status_code >= 500 or exc.status_code == 429:
            return LLMUnavailable(message)
        return LLMError(message)
    if isinstance(exc, openai.APIResponseValidationError):
        return LLMBadOutput(f"malformed reply from {what}: {exc.response.text[:200]}")
    return LLMError(f"{what}: {exc}")


class OpenAICompatBackend:
    """Chat over HTTP with the `openai` SDK; LLMConfig sets its time-out, retries and pool size."""

    name = "openai"

    def __init__(self, config: LLMConfig) -> None:
        if not config.base_url:
            raise LLMNotConfigured("LLM_BACKEND=openai needs LLM_BASE_URL (e.g. http://gpu-box:8000/v1)")
        self._config = config
        self._root = api_root(config.base_url)
        self._client = openai.OpenAI(
            base_url=self._root,
            api_key=config.api_key or "none",  # `vllm serve` without --api-key ignores it
            timeout=openai.Timeout(config.timeout_s, connect=min(config.timeout_s, 5.0)),
            max_retries=config.max_retries,
            # The SDK's own HTTP client (and its Limits class), with LLM_MAX_CONCURRENCY connections.
            http_client=openai.DefaultHttpxClient(limits=type(openai.DEFAULT_CONNECTION_LIMITS)(
                max_connections=config.max_concurrency, max_keepalive_connections=config.max_concurrency,
            )),
        )
        self._model = config.model
        self._model_lock = threading.Lock()

    # -- public API ---------------------------------------------------------------------------

    def chat(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> ChatResult:
        """One completion. An unusable reply (not JSON, off-schema, cut off) is asked again up to
        LLM_MAX_RETRIES times: with more room when it was cut off, else told what was wrong."""
        request: dict[str, Any] = {
            "model": self.model_name(),
            "messages": list(messages),
            "max_tokens": bounded_max_tokens(max_tokens),
            "temperature": float(temperature),
            "seed": int(seed),
        }
        if json_schema is not None:
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name(json_schema), "schema": json_schema, "strict": True},
            }
        last_error: LLMBadOutput | None = None
        for attempt in range(self._config.max_retries + 1):
            result = self._complete(request)
            try:
                parsed = check_result(result.text, result.finish_reason, json_schema)
            except LLMBadOutput as exc:
                logger.warning("LLM bad output (attempt %d): %s", attempt + 1, exc)
                last_error = exc
                if result.finish_reason == "length":
                    # Same prompt, same seed, same cut: only more room can change the outcome.
                    request["max_tokens"] = bounded_max_tokens(request["max_tokens"] * 2)
                else:
                    request["messages"] = repair_messages(list(messages), result.text, exc)
                continue
            return ChatResult(text=result.text, parsed=parsed, usage=result.usage, model=result.model,
                              latency_s=result.latency_s, finish_reason=result.finish_reason)
        raise last_error if last_error is not None else LLMError("no attempt was made")

    def chat_batch(
        self,
        list_of_messages: list[list[Message]],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[ChatResult]:
        """Requests run concurrently, never more than LLM_MAX_CONCURRENCY at once; results keep the
        input order. The first failure is raised after the others have finished."""
        if not list_of_messages:
            return []
        workers = min(len(list_of_messages), self._config.max_concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
            futures = [
                pool.submit(self.chat, messages, json_schema=json_schema, max_tokens=max_tokens,
                            temperature=temperature, seed=seed)
                for messages in list_of_messages
            ]
            return [future.result() for future in futures]

    def health(self) -> str:
        """"ok", or what is wrong: one quick look at /models, never retried."""
        where = f"{self._root}/models"
        client = self._client.with_options(timeout=min(self._config.timeout_s, HEALTH_TIMEOUT_S), max_retries=0)
        try:
            served = [model.id for model in client.models.list()]
        except openai.APITimeoutError:
            return f"timeout: {where} did not answer"
        except openai.APIConnectionError as exc:
            return f"unreachable: {self._root}: {exc}"
        except openai.APIStatusError as exc:
            return f"error: HTTP {exc.status_code} from {where}"
        except (openai.OpenAIError, ValueError, KeyError, TypeError, AttributeError):
            return f"error: {where} did not return a model list"
        if self._config.model and self._config.model not in served:
            return f"error: model {self._config.model!r} is not served (serving: {', '.join(served) or 'nothing'})"
        return "ok"

    def model_name(self) -> str:
        """LLM_MODEL, or the first model the server lists (a `vllm serve` process serves one)."""
        if self._model:
            return self._model
        with self._model_lock:
            if not self._model:
                try:
                    self._model = str(self._client.models.list().data[0].id)
                except openai.OpenAIError as exc:
                    error = _transport_error(exc, f"{self._root}/models")
                    if type(error) is LLMError:
                        raise LLMNotConfigured(f"{self._root}/models lists no model; set LLM_MODEL") from exc
                    raise error from exc
                except (IndexError, AttributeError, TypeError) as exc:
                    raise LLMNotConfigured(f"{self._root}/models lists no model; set LLM_MODEL") from exc
        return self._model

    def close(self) -> None:
        self._client.close()

    # -- one completion (the SDK retries the transport) -----------------------------------------

    def _complete(self, request: dict[str, Any]) -> ChatResult:
        where = f"{self._root}/chat/completions"
        started = time.perf_counter()
        try:
            completion = self._client.chat.completions.create(**request)
        except openai.OpenAIError as exc:
            error = _transport_error(exc, where)
            logger.warning("LLM request failed after the SDK's retries: %s", error)
            raise error from exc
        except ValueError as exc:  # a 200 whose body is not JSON
            raise LLMBadOutput(f"malformed chat completion from {where}: {exc}") from exc
        latency = time.perf_counter() - started
        try:
            choice = completion.choices[0]
            text = choice.message.content or ""
        except (IndexError, AttributeError, TypeError) as exc:
            raise LLMBadOutput(f"malformed chat completion from {where}") from exc
        usage = completion.usage
        return ChatResult(
            text=text,
            parsed=None,
            usage={
                "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
                "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
            },
            model=str(completion.model or request["model"]),
            latency_s=latency,
            finish_reason=str(choice.finish_reason or "stop"),
        )
