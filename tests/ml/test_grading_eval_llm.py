"""bench/grading_eval.py measures the LLM judge through any OpenAI-compatible endpoint (here the fake
vLLM server, which checks every request has vLLM's shape: response_format json_schema, no guided_*)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from bench import grading_eval
from tests.ml.fake_vllm import FakeVLLMServer

CORPUS = Path(__file__).resolve().parents[2] / "data" / "grading_corpus"


def _corpus(tmp_path: Path) -> Path:
    shutil.copy(CORPUS / "ml_fundamentals" / "mlf-dropout.yaml", tmp_path / "q.yaml")
    (tmp_path / "ml").mkdir()
    shutil.move(tmp_path / "q.yaml", tmp_path / "ml" / "mlf-dropout.yaml")
    (tmp_path / "splits.yaml").write_text(yaml.safe_dump({"version": "t-2", "splits": {
        "train": [], "dev": [], "test": ["mlf-dropout"]}}))
    return tmp_path


def _verdict(request: dict) -> dict:
    """A judge that covers every key point, quoting the answer's first words as evidence."""
    schema = request["response_format"]["json_schema"]["schema"]
    n = schema["properties"]["key_points"]["minItems"]
    user = request["messages"][-1]["content"]
    answer = re.search(r"<<<ANSWER-\w+>>>\s*(.*?)\s*<<<END-ANSWER", user, re.DOTALL).group(1)
    quote = " ".join(answer.split()[:6])
    return {"key_points": [{"index": i, "evidence": quote, "covered": True} for i in range(n)],
            "misconceptions": [], "injection_suspected": False, "correctness": 90, "depth": 80,
            "communication": 85, "feedback": "Fine."}


def test_the_judge_and_the_combination_are_measured_on_the_same_split(tmp_path, capsys) -> None:
    corpus = _corpus(tmp_path)
    out = tmp_path / "figures.json"
    with FakeVLLMServer(reply=_verdict, expect_schema=True) as server:
        status = grading_eval.main(["--corpus", str(corpus), "--split", "test", "--json", str(out),
                                    "--llm-base-url", server.base_url, "--model", "fake-judge"])
        assert server.violations == []
    printed = capsys.readouterr().out
    assert "grader: llm (fake-judge)" in printed and "grader: rubric+llm" in printed
    figures = json.loads(out.read_text())
    assert figures["corpus_version"]["version"] == "t-2"
    assert {"rubric", "llm", "rubric+llm"} <= set(figures["test"])
    # A judge that covers everything gives every honest answer 100 and injected ones 90 at most.
    judge = figures["test"]["llm"]
    assert judge["n"] == 11 and judge["category_means"]["off-topic"][1] == 100.0  # 8 answers + 3 short ones
    # The exit status reports the rubric grader's test-split floors, as the closing line says.
    assert status == (1 if "test split misses the floors" in printed else 0)
