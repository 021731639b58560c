"""Interview fixtures: no LLM unless a test asks for one, and helpers to answer and grade."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from apps.interviews import services
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question

# Answers written for questions of the real bank: a weak one states no key point.
WEAK_ANSWER = "I am not sure. It depends on the situation and the data, I would look into it."


@pytest.fixture(autouse=True)
def _no_llm(monkeypatch) -> Iterator[None]:
    """Rubric grading only (LLM_BACKEND=none) unless a test points the backend somewhere."""
    # ml.llm.get_llm() reads the environment on every call (backends are cached per configuration).
    monkeypatch.setenv("LLM_BACKEND", "none")
    monkeypatch.delenv("LLM_BASE_URL", raising=False)
    yield


def strong_answer(interview: Interview) -> str:
    """A strong answer to the current question in an expert's own words, never the rubric's: the
    reference answer (the bank's reference answers never repeat a key point word for word); to a
    follow-up, the reference answer's sentences that state the probed key points."""
    version = interview.current_version
    probed = set(interview.current_key_points)  # a follow-up probes key points by id
    if not probed:
        return version.reference_answer
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", version.reference_answer.strip()) if s]
    chosen: list[str] = []
    for point in (kp for kp in version.key_points if kp["id"] in probed):
        wanted = _content_words(point["text"])
        best = max(sentences, key=lambda sentence: len(wanted & _content_words(sentence)))
        if best not in chosen:
            chosen.append(best)
    answer = " ".join(chosen)
    assert all(kp["text"].rstrip(".").lower() not in answer.lower() for kp in version.key_points)
    return answer


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3}


def current_question(interview: Interview) -> Question:
    interview.refresh_from_db()
    return interview.current_version.question


def answer_and_grade(interview: Interview, text: str | None = None) -> Answer:
    """Answer the current question and grade it in-process (what the worker would do)."""
    interview.refresh_from_db()
    question = interview.current_version.question
    answer = services.answer_submit(interview=interview, question=question, text=text or strong_answer(interview))
    return services.answer_grade(answer_id=answer.pk)


def free_port() -> int:
    """A local TCP port nothing listens on (the LLM's 'dead address' until a fake server takes it)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def point_llm_at(monkeypatch, url: str, *, timeout_s: float = 2.0) -> None:
    """LLM_BACKEND=openai at `url` (get_llm() re-reads the environment; backends are cached per config)."""
    monkeypatch.setenv("LLM_BACKEND", "openai")
    monkeypatch.setenv("LLM_BASE_URL", url)
    monkeypatch.setenv("LLM_MODEL", "fake-model")
    monkeypatch.setenv("LLM_TIMEOUT_S", str(timeout_s))
    monkeypatch.setenv("LLM_MAX_RETRIES", "1")


def generous_judge(body: dict) -> dict:
    """A judge reply that marks every key point covered, quoting the answer's first sentence.

    Gullible on purpose: the evidence check and the combination with the rubric must keep an
    injected answer from profiting from it.
    """
    import re

    schema = body["response_format"]["json_schema"]["schema"]
    count = schema["properties"]["key_points"]["minItems"]
    answer = re.search(r"<<<ANSWER-\w+>>>\n(.*)\n<<<END-ANSWER-\w+>>>", body["messages"][-1]["content"], re.S)
    first = re.split(r"(?<=[.!?])\s", answer.group(1).strip())[0] if answer else ""
    return {
        "key_points": [{"index": i, "evidence": first, "covered": True} for i in range(count)],
        "misconceptions": [], "injection_suspected": False,
        "correctness": 90, "depth": 80, "communication": 85, "feedback": "Clear and complete.",
    }


def fake_vllm_on(port: int, **kwargs):  # type: ignore[no-untyped-def]
    """tests/ml's FakeVLLMServer, but on a fixed port (it normally takes a random one)."""
    import threading
    from http.server import ThreadingHTTPServer

    from tests.ml.fake_vllm import FakeVLLMServer

    class FakeVLLMOnPort(FakeVLLMServer):
        def start(self) -> FakeVLLMServer:
            server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
            server.daemon_threads = True
            self._server = server
            self._thread = threading.Thread(target=server.serve_forever, name="fake-vllm", daemon=True)
            self._thread.start()
            return self

    return FakeVLLMOnPort(**kwargs)
