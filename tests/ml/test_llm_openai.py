"""The OpenAI-compatible client against a fake `vllm serve` that checks every request's shape."""

from __future__ import annotations

import json
import socket
import time

import pytest

from ml.llm import build_backend
from ml.llm.base import LLMBadOutput, LLMError, LLMTimeout, LLMUnavailable
from ml.llm.openai_compat import OpenAICompatBackend, api_root
from tests.ml.fake_vllm import FakeVLLMServer, Scripted

SCHEMA = {
    "title": "follow_up",
    "type": "object",
    "properties": {"question": {"type": "string"}},
    "required": ["question"],
    "additionalProperties": False,
}
MESSAGES = [{"role": "user", "content": "Ask me something."}]


def backend_for(server: FakeVLLMServer, **overrides: object) -> OpenAICompatBackend:
    backend = build_backend(server.llm_config(**overrides))
    assert isinstance(backend, OpenAICompatBackend)
    return backend


def test_structured_request_uses_response_format_json_schema_only() -> None:
    with FakeVLLMServer(reply={"question": "Why?"}, expect_schema=True) as server:
        result = backend_for(server).chat(
            MESSAGES, json_schema=SCHEMA, max_tokens=64, temperature=0.0, seed=7
        )
        assert server.violations == []
        body = server.chat_requests[0]
    assert result.parsed == {"question": "Why?"}
    assert result.finish_reason == "stop"
    assert result.usage["completion_tokens"] > 0
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "follow_up", "schema": SCHEMA, "strict": True},
    }
    assert not [key for key in body if key.startswith("guided_")]
    assert body["max_tokens"] == 64
    assert body["temperature"] == 0.0
    assert body["seed"] == 7


def test_fake_server_rejects_guided_json_and_missing_schema(fake_vllm: FakeVLLMServer) -> None:
    """The fake server is strict, so a client regression (guided_json, no schema) fails loudly."""
    assert fake_vllm.check_request(
        {
            "model": "m",
            "messages": MESSAGES,
            "max_tokens": 5,
            "temperature": 0,
            "seed": 0,
            "guided_json": SCHEMA,
        }
    )
    fake_vllm.expect_schema = True
    assert fake_vllm.check_request(
        {"model": "m", "messages": MESSAGES, "max_tokens": 5, "temperature": 0, "seed": 0}
    )
    with pytest.raises(LLMError):
        backend_for(fake_vllm).chat(MESSAGES)  # no schema while the server expects one -> HTTP 400
    assert fake_vllm.violations == ["response_format.json_schema.schema missing"]


@pytest.mark.parametrize("base", ["{url}", "{url}/", "{url}/v1", "{url}/v1/"])
def test_base_url_with_or_without_v1(fake_vllm: FakeVLLMServer, base: str) -> None:
    backend = backend_for(fake_vllm, base_url=base.format(url=fake_vllm.url))
    assert backend.chat(MESSAGES).text == "ok"
    assert api_root(base.format(url="http://x:8000")) == "http://x:8000/v1"


def test_model_name_is_discovered_when_not_configured(fake_vllm: FakeVLLMServer) -> None:
    backend = backend_for(fake_vllm, model=None)
    backend.chat(MESSAGES)
    assert fake_vllm.chat_requests[0]["model"] == "fake-model"


def test_max_tokens_is_bounded(fake_vllm: FakeVLLMServer) -> None:
    backend_for(fake_vllm).chat(MESSAGES, max_tokens=10**9)
    assert fake_vllm.chat_requests[0]["max_tokens"] == 4096
    assert fake_vllm.violations == []


def test_server_errors_are_retried_then_succeed(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(Scripted(status=500), Scripted(status=503))
    result = backend_for(fake_vllm, max_retries=2).chat(MESSAGES)
    assert result.text == "ok"
    assert len(fake_vllm.chat_requests) == 3


def test_server_errors_exhaust_retries_as_unavailable(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(*[Scripted(status=500)] * 3)
    with pytest.raises(LLMUnavailable) as caught:
        backend_for(fake_vllm, max_retries=2).chat(MESSAGES)
    assert not isinstance(caught.value, LLMTimeout)
    assert len(fake_vllm.chat_requests) == 3


def test_client_errors_are_not_retried(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(Scripted(status=422))
    with pytest.raises(LLMError) as caught:
        backend_for(fake_vllm, max_retries=2).chat(MESSAGES)
    assert not isinstance(caught.value, LLMUnavailable | LLMBadOutput)
    assert len(fake_vllm.chat_requests) == 1


def test_slow_server_raises_timeout(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(Scripted(sleep_s=1.5), Scripted(sleep_s=1.5))
    started = time.perf_counter()
    with pytest.raises(LLMTimeout):
        backend_for(fake_vllm, timeout_s=0.3, max_retries=1).chat(MESSAGES)
    assert time.perf_counter() - started < 2.5


def test_malformed_json_is_bad_output_after_retries(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(*[Scripted(content='{"question": "unterminated')] * 2)
    with pytest.raises(LLMBadOutput, match="not valid JSON"):
        backend_for(fake_vllm, max_retries=1).chat(MESSAGES, json_schema=SCHEMA)
    assert len(fake_vllm.chat_requests) == 2
    # The retry told the model what was wrong with its reply.
    assert "rejected" in fake_vllm.chat_requests[1]["messages"][-1]["content"]


def test_schema_violation_is_bad_output(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.reply = {"question": 42}
    with pytest.raises(LLMBadOutput, match="schema"):
        backend_for(fake_vllm, max_retries=0).chat(MESSAGES, json_schema=SCHEMA)


def test_invalid_reply_then_valid_reply_succeeds(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.reply = {"question": "Why?"}
    fake_vllm.script(Scripted(content="Sure! Here is a question: why?"))
    result = backend_for(fake_vllm, max_retries=1).chat(MESSAGES, json_schema=SCHEMA)
    assert result.parsed == {"question": "Why?"}


def test_finish_reason_length_is_bad_output(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(*[Scripted(content='{"question": "Wh', finish_reason="length")] * 2)
    with pytest.raises(LLMBadOutput, match="length"):
        backend_for(fake_vllm, max_retries=1).chat(MESSAGES, json_schema=SCHEMA, max_tokens=5)
    # The retry asked for more room rather than repeating the same cut-off request.
    assert [r["max_tokens"] for r in fake_vllm.chat_requests] == [5, 10]


def test_malformed_response_body_is_bad_output(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.script(Scripted(body="<html>bad gateway</html>"))
    with pytest.raises(LLMBadOutput, match="malformed"):
        backend_for(fake_vllm, max_retries=0).chat(MESSAGES)


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dead_port_is_unavailable() -> None:
    from ml.llm.config import LLMConfig

    config = LLMConfig(
        backend="openai",
        base_url=f"http://127.0.0.1:{_dead_port()}",
        model="m",
        timeout_s=1.0,
        max_retries=1,
    )
    backend = build_backend(config)
    with pytest.raises(LLMUnavailable) as caught:
        backend.chat(MESSAGES)
    assert not isinstance(caught.value, LLMTimeout)
    assert backend.health().startswith("unreachable")


def test_health_ok_and_errors(fake_vllm: FakeVLLMServer) -> None:
    assert backend_for(fake_vllm).health() == "ok"
    assert "not served" in backend_for(fake_vllm, model="other-model").health()
    fake_vllm.models_status = 503
    assert backend_for(fake_vllm).health() == "error: HTTP 503 from " + fake_vllm.base_url + "/models"


def test_concurrency_limit_is_respected() -> None:
    with FakeVLLMServer(delay_s=0.2) as server:
        backend = backend_for(server, max_concurrency=3)
        started = time.perf_counter()
        results = backend.chat_batch([[{"role": "user", "content": f"q{i}"}] for i in range(9)])
        elapsed = time.perf_counter() - started
        assert server.max_in_flight == 3
    assert [r.text for r in results] == ["ok"] * 9
    assert elapsed >= 0.55  # three waves of 0.2 s


def test_batch_keeps_input_order() -> None:
    with FakeVLLMServer(reply=lambda body: {"question": body["messages"][-1]["content"]}) as server:
        results = backend_for(server).chat_batch(
            [[{"role": "user", "content": f"q{i}"}] for i in range(6)], json_schema=SCHEMA
        )
    assert [r.parsed for r in results] == [{"question": f"q{i}"} for i in range(6)]


def test_request_body_is_plain_json(fake_vllm: FakeVLLMServer) -> None:
    fake_vllm.reply = {"question": "Why?"}
    backend_for(fake_vllm).chat(MESSAGES, json_schema=SCHEMA)
    body = fake_vllm.chat_requests[0]
    # Exactly the fields vLLM reads, as plain JSON: nothing else crossed the wire.
    assert set(body) == {"model", "messages", "max_tokens", "temperature", "seed", "response_format"}
    assert json.loads(json.dumps(body)) == body and body["messages"] == MESSAGES
