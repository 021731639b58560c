"""The LLM judge: the model quotes evidence for each key point and says whether it is covered;
the score is computed here, from the weighted checklist, counting only points whose quote really
is in the answer.

Prompt design (ml/prompts/judge_v1.py, docs/grading.md): the learner's answer is fenced as untrusted
data between markers that carry a token derived from a hash of the answer (so an answer cannot
forge the closing marker), and the instructions are repeated after it. Temperature 0, fixed seed.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ml.grading.answer_text import split_sentences
from ml.grading.types import Grade, KeyPointResult, QuestionSpec
from ml.injection import injection_sentences, is_injection
from ml.llm.base import ChatBackend, LLMBadOutput, Message
from ml.prompts import judge_v1

PROMPT_VERSION = judge_v1.PROMPT_VERSION
SEED = 0
INJECTION_PENALTY = 10
MAX_ANSWER_CHARS = 8000


def judge_schema(key_point_count: int) -> dict[str, Any]:
    """The reply's JSON schema. Property order matters for constrained decoding: evidence is
    generated before covered, and the checklist before the overall dimensions."""
    score = {"type": "integer", "minimum": 0, "maximum": 100}
    return {
        "title": "interview_grade",
        "type": "object",
        "properties": {
            "key_points": {
                "type": "array",
                "minItems": key_point_count,
                "maxItems": key_point_count,
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer", "minimum": 0, "maximum": max(key_point_count - 1, 0)},
                        "evidence": {"type": "string", "maxLength": 600},
                        "covered": {"type": "boolean"},
                    },
                    "required": ["index", "evidence", "covered"],
                    "additionalProperties": False,
                },
            },
            "misconceptions": {"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 300}},
            "injection_suspected": {"type": "boolean"},
            "correctness": score,
            "depth": score,
            "communication": score,
            "feedback": {"type": "string", "maxLength": 1200},
        },
        "required": [
            "key_points",
            "misconceptions",
            "injection_suspected",
            "correctness",
            "depth",
            "communication",
            "feedback",
        ],
        "additionalProperties": False,
    }


def fence_token(question: QuestionSpec, answer: str) -> str:
    """Marker token: unpredictable to the author of the answer (it depends on the whole answer) yet
    deterministic, so the same answer always gets the same prompt."""
    digest = hashlib.sha256(f"{PROMPT_VERSION}\n{question.prompt}\n{answer}".encode()).hexdigest()
    return digest[:16]


def neutralise(answer: str) -> str:
    """The answer as shown to the judge: marker-like brackets defused, length bounded."""
    return answer[:MAX_ANSWER_CHARS].replace("<<<", "‹‹‹").replace(">>>", "›››")


def build_messages(question: QuestionSpec, answer: str) -> list[Message]:
    token = fence_token(question, answer)
    key_points = "\n".join(f"{i} | {kp.weight:g} | {kp.text}" for i, kp in enumerate(question.key_points))
    return [
        {"role": "system", "content": judge_v1.SYSTEM.format(token=token)},
        {
            "role": "user",
            "content": judge_v1.USER.format(
                round=question.round or "interview",
                prompt=question.prompt,
                key_points=key_points,
                reference_answer=question.reference_answer or "(none given)",
                token=token,
                answer=neutralise(answer),
                count=len(question.key_points),
            ),
        },
    ]


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "`": "'"})


def normalise_quote(text: str) -> str:
    """Lower case, straight quotes, single spaces, no surrounding punctuation: how a quote and the
    answer are compared."""
    text = re.sub(r"\s+", " ", text.translate(_QUOTES).lower()).strip()
    return text.strip(" \"'.,;:!?()[]")


def evidence_in_answer(evidence: str, answer: str) -> bool:
    """True when every fragment of the quote (fragments may be joined by "...") is literally in the
    answer after normalisation. Empty quotes prove nothing."""
    haystack = normalise_quote(answer)
    fragments = [normalise_quote(f) for f in re.split(r"\.\.\.|…", evidence)]
    fragments = [f for f in fragments if f]
    if not fragments or sum(len(f.split()) for f in fragments) < 3:
        return False
    return all(f in haystack for f in fragments)


def judge_answer(
    question: QuestionSpec, answer: str, *, llm: ChatBackend, rubric_grade: Grade | None = None
) -> Grade:
    """Grade with the LLM. Raises the LLMError family (LLMUnavailable, LLMTimeout, LLMBadOutput, ...)."""
    count = len(question.key_points)
    result = llm.chat(
        build_messages(question, answer),
        json_schema=judge_schema(count),
        max_tokens=250 + 150 * count,
        temperature=0.0,
        seed=SEED,
    )
    if result.parsed is None:
        raise LLMBadOutput("the judge returned no JSON object")
    return grade_from_reply(question, answer, result.parsed, rubric_grade=rubric_grade)


def grade_from_reply(
    question: QuestionSpec, answer: str, reply: dict[str, Any], *, rubric_grade: Grade | None = None
) -> Grade:
    """Turn a schema-valid judge reply into a Grade: verify quotes, compute the weighted score."""
    sentences = split_sentences(answer)
    injected = injection_sentences(sentences, answer or "")
    # Quotes are checked against the answer without the sentences that address the grader.
    clean_answer = " ".join(s.text for i, s in enumerate(sentences) if i not in injected)
    shown_answer = neutralise(clean_answer)
    by_index: dict[int, dict[str, Any]] = {}
    for item in reply.get("key_points", []):
        by_index.setdefault(int(item["index"]), item)

    results: list[KeyPointResult] = []
    unverified = 0
    covered_weight = 0.0
    for i, kp in enumerate(question.key_points):
        item = by_index.get(i, {})
        evidence = str(item.get("evidence") or "")
        verified = evidence_in_answer(evidence, shown_answer) or evidence_in_answer(evidence, clean_answer)
        claimed = bool(item.get("covered"))
        covered = claimed and verified
        if claimed and not verified:
            unverified += 1
        if covered:
            covered_weight += kp.weight
        similarity = (
            rubric_grade.key_points[i].similarity
            if rubric_grade is not None and i < len(rubric_grade.key_points)
            else float(covered)
        )
        results.append(
            KeyPointResult(i, kp.text, kp.weight, covered, similarity, evidence if verified else None, kp.id)
        )

    injection = bool(
        reply.get("injection_suspected")
        or injected
        or is_injection(answer)
        or (rubric_grade is not None and rubric_grade.injection_suspected)
    )
    total = question.total_weight or 1.0
    score = round(100 * covered_weight / total) - (INJECTION_PENALTY if injection else 0)
    flags: list[str] = []
    if injection:
        flags.append("injection_suspected")
    if unverified:
        flags.append("unverified_evidence")
    feedback_lines = [str(reply.get("feedback", "")).strip()]
    feedback_lines += [f"- Missed: {r.text}" for r in results if not r.covered]
    return Grade(
        score=_clip(score),
        dimensions={name: _clip(reply.get(name, 0)) for name in ("correctness", "depth", "communication")},
        key_points=results,
        feedback="\n".join(line for line in feedback_lines if line),
        grader="llm",
        injection_suspected=injection,
        misconceptions=[str(m).strip() for m in reply.get("misconceptions", []) if str(m).strip()],
        flags=flags,
        prompt_version=PROMPT_VERSION,
    )


def _clip(value: Any) -> int:
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        number = 0
    return int(min(100, max(0, number)))
