"""The protocol every chat backend speaks, its request/response types and its errors.

Backends (openai_compat, vllm_engine, local) live behind `ChatBackend`; callers never import
httpx, vLLM or transformers themselves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

import jsonschema


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class ChatResult:
    """One completion. `parsed` is the validated JSON object when a schema was asked for."""

    text: str
    parsed: dict[str, Any] | None
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0})
    model: str = ""
    latency_s: float = 0.0
    finish_reason: str = "stop"


class LLMError(Exception):
    """Anything that went wrong talking to an LLM."""


class LLMUnavailable(LLMError):
    """The backend could not be reached (connection refused, DNS, 5xx after retries). Worth retrying later."""


class LLMTimeout(LLMUnavailable):
    """The backend did not answer within the configured time-out."""


class LLMBadOutput(LLMError):
    """The backend answered, but not usably: malformed JSON, a schema violation, or cut off at max_tokens."""


class LLMNotConfigured(LLMError):
    """The configuration names a backend that cannot run here (missing settings or packages)."""


@runtime_checkable
class ChatBackend(Protocol):
    name: str

    def chat(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> ChatResult: ...

    def chat_batch(
        self,
        list_of_messages: list[list[Message]],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[ChatResult]: ...

    def health(self) -> str:
        """ "ok", or a short description of what is wrong."""
        ...


MAX_TOKENS_CEILING = 4096

_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def bounded_max_tokens(max_tokens: int) -> int:
    """Never ask a backend for an unbounded or absurd completion length."""
    return max(1, min(int(max_tokens), MAX_TOKENS_CEILING))


def schema_name(schema: dict[str, Any]) -> str:
    """The `name` OpenAI-style APIs want for a schema: its title, made safe, or a default."""
    title = str(schema.get("title") or "response")
    return re.sub(r"[^A-Za-z0-9_-]", "_", title)[:64] or "response"


def parse_structured(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON object in `text`, validated against `schema`; LLMBadOutput when it is not one."""
    candidate = text.strip()
    fenced = _FENCE_RE.match(candidate)
    if fenced:
        candidate = fenced.group(1)
    try:
        value = json.loads(candidate)
    except json.JSONDecodeError as exc:
        raise LLMBadOutput(f"reply is not valid JSON: {exc.msg} at position {exc.pos}") from exc
    if not isinstance(value, dict):
        raise LLMBadOutput(f"reply is JSON but not an object: {type(value).__name__}")
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise LLMBadOutput(f"reply does not match the schema at {where}: {exc.message}") from exc
    return value


def check_result(text: str, finish_reason: str, schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """Shared acceptance test of a completion: not cut off, and schema-valid when a schema was asked."""
    if finish_reason == "length":
        raise LLMBadOutput("reply was cut off at max_tokens (finish_reason=length)")
    return parse_structured(text, schema) if schema is not None else None


def repair_messages(messages: list[Message], bad_reply: str, error: LLMBadOutput) -> list[Message]:
    """The conversation plus the rejected reply and why it was rejected, for one more try."""
    return [
        *messages,
        {"role": "assistant", "content": bad_reply[:2000]},
        {
            "role": "user",
            "content": f"That reply was rejected: {error}. Reply again with only the JSON object, "
            "matching the schema exactly.",
        },
    ]


def schema_instruction(schema: dict[str, Any]) -> str:
    """For backends without constrained decoding: the schema spelled out in the prompt."""
    return (
        "Reply with one JSON object and nothing else (no prose, no code fence). "
        f"It must match this JSON schema:\n{json.dumps(schema, separators=(',', ':'))}"
    )


class BatchFirstBackend:
    """For engines that generate in batches (in-process vLLM, transformers): one chat is a batch of one."""

    def chat(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> ChatResult:
        return self.chat_batch(  # type: ignore[attr-defined]
            [messages], json_schema=json_schema, max_tokens=max_tokens, temperature=temperature, seed=seed
        )[0]
