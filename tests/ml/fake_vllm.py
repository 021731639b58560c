"""A small stand-in for `vllm serve`: OpenAI-compatible /v1/chat/completions and /v1/models on
127.0.0.1 at a random port, in a background thread.

It checks the shape of every chat request the way vLLM >= 0.12 needs it (structured output only
through `response_format.json_schema.schema`, never a `guided_*` field; bounded max_tokens;
temperature and seed present) and answers 400 to a request that breaks the rules, recording why in
`violations`. Replies are a canned JSON object or text, or computed by a callable from the request;
`script()` queues special replies (HTTP errors, delays, malformed content, finish_reason "length").

    with FakeVLLMServer(reply={"question": "Why?"}) as server:
        llm = build_backend(server.llm_config())
        ...
        assert server.violations == []

Reusable by the Django integration tests: `from tests.ml.fake_vllm import FakeVLLMServer`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = dict[str, Any] | str | Callable[[dict[str, Any]], "dict[str, Any] | str"]


@dataclass(frozen=True)
class Scripted:
    """One special reply for the next chat request: an HTTP status, a delay, raw content, a finish reason."""

    status: int = 200
    sleep_s: float = 0.0
    content: str | None = None
    finish_reason: str = "stop"
    body: str | None = None  # a raw, possibly malformed, response body


class FakeVLLMServer:
    def __init__(
        self,
        *,
        reply: Reply = "ok",
        model: str = "fake-model",
        expect_schema: bool = False,
        max_tokens_limit: int = 4096,
        delay_s: float = 0.0,
    ) -> None:
        self.reply = reply
        self.model = model
        self.expect_schema = expect_schema  # every chat request must carry response_format.json_schema
        self.max_tokens_limit = max_tokens_limit
        self.delay_s = delay_s  # every chat reply waits this long (to observe concurrency)
        self.models_status = 200  # set to e.g. 503 to make health() fail
        self.requests: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._script: deque[Scripted] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeVLLMServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-vllm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeVLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def llm_config(self, **overrides: Any) -> Any:
        """An `ml.llm.LLMConfig` pointing at this server, with short time-outs and back-off for tests."""
        from ml.llm.config import LLMConfig

        values: dict[str, Any] = {
            "backend": "openai",
            "base_url": self.base_url,
            "model": self.model,
            "timeout_s": 2.0,
            "max_retries": 2,
            "max_concurrency": 4,
        }
        values.update(overrides)
        return LLMConfig(**values)

    def script(self, *replies: Scripted) -> None:
        """Queue special replies, used in order by the next chat requests."""
        with self._lock:
            self._script.extend(replies)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.requests)

    # -- request checking -----------------------------------------------------------------------

    def check_request(self, body: dict[str, Any]) -> list[str]:
        problems = [
            f"forbidden field {key!r}: vLLM >= 0.12 ignores guided_* silently"
            for key in body
            if key.startswith("guided_")
        ]
        if "structured_outputs" in body:
            problems.append("structured_outputs is vLLM-only; use response_format")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            problems.append("messages missing")
        if not body.get("model"):
            problems.append("model missing")
        max_tokens = body.get("max_tokens")
        if not isinstance(max_tokens, int) or not 0 < max_tokens <= self.max_tokens_limit:
            problems.append(f"max_tokens must be a bounded positive int, got {max_tokens!r}")
        for field in ("temperature", "seed"):
            if field not in body:
                problems.append(f"{field} missing")
        response_format = body.get("response_format")
        if response_format is not None or self.expect_schema:
            schema = ((response_format or {}).get("json_schema") or {}).get("schema")
            if (response_format or {}).get("type") != "json_schema" or not isinstance(schema, dict):
                problems.append("response_format.json_schema.schema missing")
            elif not (response_format or {}).get("json_schema", {}).get("name"):
                problems.append("response_format.json_schema.name missing")
        return problems

    # -- HTTP -----------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, payload: Any = None, raw: str | None = None) -> None:
                data = (raw if raw is not None else json.dumps(payload)).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (time-out tests)

            def do_GET(self) -> None:
                if self.path.rstrip("/") != "/v1/models":
                    self._send(404, {"error": "not found"})
                    return
                if fake.models_status != 200:
                    self._send(fake.models_status, {"error": "unhealthy"})
                    return
                self._send(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": "not found"})
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(400, {"error": "body is not JSON"})
                    return
                with fake._lock:
                    fake.requests.append(body)
                    fake._in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake._in_flight)
                    scripted = fake._script.popleft() if fake._script else None
                try:
                    fake._answer(self, body, scripted)
                finally:
                    with fake._lock:
                        fake._in_flight -= 1

        return Handler

    def _answer(self, handler: Any, body: dict[str, Any], scripted: Scripted | None) -> None:
        problems = self.check_request(body)
        if problems:
            with self._lock:
                self.violations.extend(problems)
            handler._send(400, {"error": {"message": "; ".join(problems)}})
            return
        delay = self.delay_s + (scripted.sleep_s if scripted else 0.0)
        if delay:
            time.sleep(delay)
        if scripted is not None and scripted.status != 200:
            handler._send(scripted.status, {"error": {"message": f"scripted {scripted.status}"}})
            return
        if scripted is not None and scripted.body is not None:
            handler._send(200, raw=scripted.body)
            return
        if scripted is not None and scripted.content is not None:
            content = scripted.content
        else:
            reply = self.reply(body) if callable(self.reply) else self.reply
            content = reply if isinstance(reply, str) else json.dumps(reply)
        finish_reason = scripted.finish_reason if scripted is not None else "stop"
        prompt_words = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        handler._send(
            200,
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", self.model),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_words,
                    "completion_tokens": len(content.split()),
                    "total_tokens": prompt_words + len(content.split()),
                },
            },
        )
