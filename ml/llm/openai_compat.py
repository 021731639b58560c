"""Client for an OpenAI-compatible chat server, written against `vllm serve`.

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

import httpx

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


class OpenAICompatBackend:
    """Chat over HTTP with explicit time-outs, bounded retries and a per-process concurrency limit."""

    name = "openai"

    def __init__(self, config: LLMConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        if not config.base_url:
            raise LLMNotConfigured("LLM_BACKEND=openai needs LLM_BASE_URL (e.g. http://gpu-box:8000/v1)")
        self._config = config
        self._root = api_root(config.base_url)
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(config.timeout_s, connect=min(config.timeout_s, 5.0)),
            headers=headers,
            limits=httpx.Limits(
                max_connections=config.max_concurrency, max_keepalive_connections=config.max_concurrency
            ),
            transport=transport,
        )
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
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
        payload: dict[str, Any] = {
            "model": self.model_name(),
            "messages": list(messages),
            "max_tokens": bounded_max_tokens(max_tokens),
            "temperature": float(temperature),
            "seed": int(seed),
        }
        if json_schema is not None:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name(json_schema), "schema": json_schema, "strict": True},
            }
        last_error: LLMError | None = None
        for attempt in range(self._config.max_retries + 1):
            if isinstance(last_error, LLMUnavailable):
                time.sleep(self._config.backoff_s * 2 ** (attempt - 1))
            try:
                result = self._post(payload)
            except LLMTimeout as exc:
                logger.warning("LLM timeout (attempt %d): %s", attempt + 1, exc)
                last_error = exc
                continue
            except LLMUnavailable as exc:
                logger.warning("LLM unavailable (attempt %d): %s", attempt + 1, exc)
                last_error = exc
                continue
            except LLMBadOutput as exc:
                logger.warning("LLM bad output (attempt %d): %s", attempt + 1, exc)
                last_error = exc
                continue
            try:
                parsed = check_result(result.text, result.finish_reason, json_schema)
            except LLMBadOutput as exc:
                logger.warning("LLM bad output (attempt %d): %s", attempt + 1, exc)
                last_error = exc
                if result.finish_reason == "length":
                    # Same prompt, same seed, same cut: only more room can change the outcome.
                    payload["max_tokens"] = bounded_max_tokens(payload["max_tokens"] * 2)
                else:
                    payload["messages"] = repair_messages(list(messages), result.text, exc)
                continue
            return ChatResult(
                text=result.text,
                parsed=parsed,
                usage=result.usage,
                model=result.model,
                latency_s=result.latency_s,
                finish_reason=result.finish_reason,
            )
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
                pool.submit(
                    self.chat,
                    messages,
                    json_schema=json_schema,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    seed=seed,
                )
                for messages in list_of_messages
            ]
            return [future.result() for future in futures]

    def health(self) -> str:
        try:
            response = self._client.get(
                f"{self._root}/models", timeout=min(self._config.timeout_s, HEALTH_TIMEOUT_S)
            )
        except httpx.TimeoutException:
            return f"timeout: {self._root}/models did not answer"
        except httpx.TransportError as exc:
            return f"unreachable: {self._root}: {exc}"
        if response.status_code != 200:
            return f"error: HTTP {response.status_code} from {self._root}/models"
        try:
            served = [str(m["id"]) for m in response.json().get("data", [])]
        except (ValueError, KeyError, TypeError, AttributeError):
            return f"error: {self._root}/models did not return a model list"
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
                    response = self._client.get(f"{self._root}/models")
                    response.raise_for_status()
                    self._model = str(response.json()["data"][0]["id"])
                except httpx.TimeoutException as exc:
                    raise LLMTimeout(f"{self._root}/models did not answer") from exc
                except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                    raise LLMUnavailable(f"cannot list models at {self._root}: {exc}") from exc
                except (ValueError, KeyError, IndexError, TypeError) as exc:
                    raise LLMNotConfigured(f"{self._root}/models lists no model; set LLM_MODEL") from exc
        return self._model

    def close(self) -> None:
        self._client.close()

    # -- one HTTP round trip ------------------------------------------------------------------

    def _post(self, payload: dict[str, Any]) -> ChatResult:
        url = f"{self._root}/chat/completions"
        with self._slots:
            started = time.perf_counter()
            try:
                response = self._client.post(url, json=payload)
            except httpx.TimeoutException as exc:
                raise LLMTimeout(f"no reply from {url} within {self._config.timeout_s:g} s") from exc
            except httpx.TransportError as exc:
                raise LLMUnavailable(f"cannot reach {url}: {exc}") from exc
            latency = time.perf_counter() - started
        # 429 means "busy, come back later" like a 503; other 4xx are our mistake and not retried.
        if response.status_code >= 500 or response.status_code == 429:
            raise LLMUnavailable(f"HTTP {response.status_code} from {url}: {response.text[:200]}")
        if response.status_code >= 400:
            raise LLMError(f"HTTP {response.status_code} from {url}: {response.text[:500]}")
        try:
            body = response.json()
            choice = body["choices"][0]
            text = choice["message"]["content"] or ""
            finish_reason = str(choice.get("finish_reason") or "stop")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMBadOutput(f"malformed chat completion from {url}: {response.text[:200]}") from exc
        usage = body.get("usage") or {}
        return ChatResult(
            text=text,
            parsed=None,
            usage={
                "prompt_tokens": int(usage.get("prompt_tokens") or 0),
                "completion_tokens": int(usage.get("completion_tokens") or 0),
            },
            model=str(body.get("model") or payload["model"]),
            latency_s=latency,
            finish_reason=finish_reason,
        )
