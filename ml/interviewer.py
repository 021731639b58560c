"""The mock interviewer's two decisions: which question comes next, and what to ask as a follow-up."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ml.grading.types import Grade, KeyPointResult, QuestionSpec
from ml.llm.base import ChatBackend, LLMError, Message
from ml.prompts import follow_up_v1, resume_project_v2

logger = logging.getLogger(__name__)

MIN_DIFFICULTY, MAX_DIFFICULTY = 1, 3
STRONG_ANSWER = 75  # a score at or above this raises the difficulty
WEAK_ANSWER = 40  # a score below this lowers it
UNKNOWN_MASTERY = 0.0  # a skill the learner has not shown yet counts as not mastered


@dataclass(frozen=True)
class CandidateQuestion:
    id: str
    skills: tuple[str, ...]
    difficulty: int
    round: str


def next_difficulty(current_difficulty: int, last_score: int | None) -> int:
    """Up one after a strong answer (>= 75), down one after a weak one (< 40), within 1-3."""
    difficulty = current_difficulty
    if last_score is not None:
        if last_score >= STRONG_ANSWER:
            difficulty += 1
        elif last_score < WEAK_ANSWER:
            difficulty -= 1
    return max(MIN_DIFFICULTY, min(MAX_DIFFICULTY, difficulty))


def choose_next_question(
    candidates: Iterable[CandidateQuestion],
    *,
    asked_ids: set[str],
    skill_levels: Mapping[str, float],
    last_score: int | None,
    current_difficulty: int,
) -> tuple[CandidateQuestion | None, int]:
    """The next question and the new difficulty.

    Never repeats a question. Prefers the question whose weakest skill is weakest (mastery 0-1),
    then the one closest to the target difficulty, then the easier one, then the smaller id, so the
    same inputs always give the same question.
    """
    difficulty = next_difficulty(current_difficulty, last_score)
    fresh = [c for c in candidates if c.id not in asked_ids]
    if not fresh:
        return None, difficulty

    def weakest(candidate: CandidateQuestion) -> float:
        levels = [float(skill_levels.get(skill, UNKNOWN_MASTERY)) for skill in candidate.skills]
        return round(min(levels), 6) if levels else 1.0

    chosen = min(fresh, key=lambda c: (weakest(c), abs(c.difficulty - difficulty), c.difficulty, c.id))
    return chosen, difficulty


def most_important_miss(question: QuestionSpec, grade: Grade) -> KeyPointResult | None:
    """The highest-weight key point the answer missed (lowest index on ties), if it matters.

    A miss matters when its weight is at least 2 or it is one of the question's heaviest points;
    a missed minor detail next to covered essentials is not worth a follow-up.
    """
    if not grade.key_points:
        return None
    heaviest = max(kp.weight for kp in question.key_points) if question.key_points else 0.0
    missed = [r for r in grade.key_points if not r.covered and (r.weight >= 2 or r.weight >= heaviest)]
    if not missed:
        return None
    return min(missed, key=lambda r: (-r.weight, r.index))


def template_follow_up(question: QuestionSpec, missed: KeyPointResult) -> str:
    """The missed key point's own follow-up (found by its id, never by position), else a generic probe."""
    point = question.key_point(missed.id) if missed.id else None
    if point is not None and point.follow_up:
        return point.follow_up
    stated = missed.text.rstrip(". ")
    return f"Let's go one step further. {stated}. Can you explain why that holds, and how you would use it in practice?"


FOLLOW_UP_SCHEMA = {
    "title": "follow_up",
    "type": "object",
    "properties": {"question": {"type": "string", "minLength": 5, "maxLength": 300}},
    "required": ["question"],
    "additionalProperties": False,
}


def write_follow_up(question: QuestionSpec, grade: Grade, *, llm: ChatBackend | None = None) -> str | None:
    """A follow-up about the most important missed key point, or None when nothing important was
    missed. With an LLM the question is generated; on any LLMError, the template is used."""
    missed = most_important_miss(question, grade)
    if missed is None:
        return None
    if llm is not None:
        try:
            result = llm.chat(
                [
                    {"role": "system", "content": follow_up_v1.SYSTEM},
                    {
                        "role": "user",
                        "content": follow_up_v1.USER.format(prompt=question.prompt, key_point=missed.text),
                    },
                ],
                json_schema=FOLLOW_UP_SCHEMA,
                max_tokens=120,
                temperature=0.0,
                seed=0,
            )
            text = str((result.parsed or {}).get("question", "")).strip()
            if text:
                return text
        except LLMError as exc:
            logger.warning("follow-up generation failed, using the template: %s", exc)
    return template_follow_up(question, missed)


# --- A question about a project on the resume (needs an LLM) --------------------------------------
PROJECT_SECTIONS = ("projects", "experience")
PROJECT_TEXT_LIMIT = 6000  # characters of resume text sent to the LLM

PROJECT_QUESTION_SCHEMA = {
    "title": "resume_project_question",
    "type": "object",
    "properties": {
        "project": {"type": "string", "maxLength": 120},
        "prompt": {"type": "string", "maxLength": 600},
        "key_points": {
            "type": "array", "minItems": 3, "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string", "maxLength": 300},
                               "weight": {"type": "integer", "minimum": 1, "maximum": 3},
                               "follow_up": {"type": "string", "maxLength": 300}},
                "required": ["text", "weight", "follow_up"],
                "additionalProperties": False,
            },
        },
        "reference_answer": {"type": "string", "maxLength": 2500},
    },
    "required": ["project", "prompt", "key_points", "reference_answer"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class ProjectQuestion:
    project: str
    prompt: str
    key_points: list[dict[str, object]]  # {id, text, weight, follow_up}
    reference_answer: str
    prompt_version: str = resume_project_v2.PROMPT_VERSION


class ProjectQuestionError(ValueError):
    """The LLM's question cannot be used (a project not on the resume, a missing field…)."""


def project_source_text(sections: Mapping[str, str]) -> str:
    """The resume text a project question is written from: its projects, then its experience."""
    parts = [f"{name.title()}:\n{sections[name].strip()}" for name in PROJECT_SECTIONS if (sections.get(name) or "").strip()]
    return "\n\n".join(parts)[:PROJECT_TEXT_LIMIT]


def project_question_messages(source_text: str, *, round_label: str) -> list[Message]:
    # The fence cannot be closed from inside: angle brackets in the resume are neutralised.
    fenced = source_text.replace("<", "‹").replace(">", "›")
    return [
        {"role": "system", "content": resume_project_v2.SYSTEM.format(round=round_label)},
        {"role": "user", "content": resume_project_v2.USER.format(resume=fenced)},
    ]


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def parse_project_question(parsed: Mapping[str, object] | None, source_text: str) -> ProjectQuestion:
    """Validate the LLM's JSON: the project must be named in the resume text it was given (no
    invented projects), the prompt must mention it, and the rubric must be usable."""
    if not isinstance(parsed, Mapping):
        raise ProjectQuestionError("The LLM did not return a JSON object.")
    project = str(parsed.get("project") or "").strip().strip("\"'")
    prompt = str(parsed.get("prompt") or "").strip()
    if len(project) < 3 or _normalise(project) not in _normalise(source_text):
        raise ProjectQuestionError("The LLM named a project that is not on the resume.")
    if not prompt or _normalise(project) not in _normalise(prompt):
        raise ProjectQuestionError("The question does not name the project.")
    points: list[dict[str, object]] = []
    raw_points = parsed.get("key_points")
    for item in raw_points if isinstance(raw_points, list) else []:
        if not isinstance(item, Mapping):
            continue
        text = str(item.get("text") or "").strip()
        weight = item.get("weight")
        if text and text.lower() not in {str(p["text"]).lower() for p in points}:
            points.append({"id": f"k{len(points) + 1}", "text": text,
                           "weight": weight if isinstance(weight, int) and 1 <= weight <= 3 else 1,
                           "follow_up": str(item.get("follow_up") or "").strip()[:300]})
    if len(points) < 2:
        raise ProjectQuestionError("The question came without a usable rubric (2+ distinct key points).")
    return ProjectQuestion(project=project, prompt=prompt, key_points=points[:5],
                           reference_answer=str(parsed.get("reference_answer") or "").strip())


def write_project_question(sections: Mapping[str, str], *, round_label: str, llm: ChatBackend) -> ProjectQuestion:
    """One question about a project the resume names. Raises ProjectQuestionError (nothing usable on
    the resume or in the reply) or LLMError (the LLM failed; LLMUnavailable when it is unreachable)."""
    source = project_source_text(sections)
    if not source:
        raise ProjectQuestionError("The resume has no projects or experience section to ask about.")
    result = llm.chat(project_question_messages(source, round_label=round_label), json_schema=PROJECT_QUESTION_SCHEMA,
                      max_tokens=900, temperature=0.0, seed=0)
    return parse_project_question(result.parsed, source)
