"""The LLM judge path in-process, against tests/ml's fake vLLM server: provisional → refined, the
three kinds of LLM failure told apart, and prompt injection never paying off."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from apps.interviews import services
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question, QuestionVersion
from ml.llm.base import LLMBadOutput, LLMTimeout, LLMUnavailable
from tests.interviews.conftest import free_port, generous_judge, point_llm_at, strong_answer
from tests.ml.fake_vllm import FakeVLLMServer, Scripted

pytestmark = pytest.mark.django_db

EVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "grading_eval"


def _provisional_answer(user) -> Answer:
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    answer = services.answer_submit(interview=interview, question=interview.current_version.question,
                                    text=strong_answer(interview))
    answer = services.answer_grade(answer_id=answer.pk)
    assert answer.grading_status == "provisional" and answer.grader == "rubric"
    return answer


def test_with_an_llm_the_instant_grade_is_provisional_then_refined(user, monkeypatch):
    with FakeVLLMServer(reply=generous_judge, expect_schema=True) as server:
        point_llm_at(monkeypatch, server.url)
        answer = _provisional_answer(user)
        assert answer.rubric_grade["grader"] == "rubric" and answer.refined_at is None
        refined = services.answer_refine(answer_id=answer.pk)
        assert server.violations == []
    assert refined.grading_status == "graded" and refined.grader == "rubric+llm"
    assert refined.refined_at is not None and refined.graded_at == answer.graded_at
    assert refined.grade["prompt_version"] and refined.rubric_grade == answer.rubric_grade
    # Refining is idempotent.
    assert services.answer_refine(answer_id=answer.pk).refined_at == refined.refined_at


@pytest.mark.parametrize(("setup", "error", "kind"), [
    ("dead", LLMUnavailable, "connection"),
    ("slow", LLMTimeout, "timeout"),
    ("malformed", LLMBadOutput, "malformed_output"),
])
def test_llm_failures_keep_the_rubric_grade_and_say_what_went_wrong(user, monkeypatch, setup, error, kind):
    server = FakeVLLMServer(reply=generous_judge).start()
    try:
        if setup == "dead":
            point_llm_at(monkeypatch, f"http://127.0.0.1:{free_port()}")
        else:
            point_llm_at(monkeypatch, server.url, timeout_s=0.5)
            bad = Scripted(sleep_s=1.5) if setup == "slow" else Scripted(content='{"key_points": "not a list"')
            server.script(bad, bad)
        answer = _provisional_answer(user)
        with pytest.raises(error):
            services.answer_refine(answer_id=answer.pk)
    finally:
        server.stop()
    after = Answer.objects.get(pk=answer.pk)
    assert after.grading_status == "provisional" and after.score == answer.score and after.grader == "rubric"
    assert after.error_kind == kind and after.error_message
    assert after.refine_attempts == 1


def _eval_question(key: str) -> tuple[QuestionVersion, dict]:
    data = yaml.safe_load((EVAL_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
    question = Question.objects.create(key=f"eval-{key}", round=data["round"], status="draft")
    version = QuestionVersion.objects.create(
        question=question, number=1, prompt=data["prompt"], key_points=data["key_points"],
        reference_answer=data.get("reference_answer", ""),
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version, {a["id"]: a for a in data["answers"]}


def _grade_text(user, version: QuestionVersion, text: str) -> Answer:
    interview = Interview.objects.create(user=user, round=version.question.round, num_questions=1,
                                         current_version=version)
    answer = services.answer_submit(interview=interview, question=version.question, text=text)
    return services.answer_grade(answer_id=answer.pk)


@pytest.mark.parametrize("key", ["ml-bias-variance", "llm-lora", "sd-llm-serving"])
def test_prompt_injection_scores_no_higher_than_its_honest_twin(user, monkeypatch, key):
    version, answers = _eval_question(key)
    injected = next(a for a in answers.values() if a["category"] == "injection")
    twin = answers[injected["twin"]]
    honest = _grade_text(user, version, twin["text"])
    attack = _grade_text(user, version, injected["text"])
    assert attack.injection_suspected and "injection_suspected" in attack.flags
    assert attack.score <= honest.score
    # A gullible judge that believes the answer changes nothing: the combination caps the score.
    with FakeVLLMServer(reply=generous_judge) as server:
        point_llm_at(monkeypatch, server.url)
        for answer in (honest, attack):
            Answer.objects.filter(pk=answer.pk).update(grading_status="provisional")
            services.answer_refine(answer_id=answer.pk)
    honest, attack = Answer.objects.get(pk=honest.pk), Answer.objects.get(pk=attack.pk)
    assert honest.grader == attack.grader == "rubric+llm"
    assert attack.injection_suspected and attack.score <= honest.score
