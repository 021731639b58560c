"""The mock interviewer's two decisions: which question comes next, and what to ask as a follow-up."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ml.grading.types import Grade, KeyPointResult, QuestionSpec
from ml.llm.base import ChatBackend, LLMError
from ml.prompts import follow_up_v1

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
    """The question's own hint for that key point, else a generic probe."""
    if missed.index < len(question.follow_up_hints) and question.follow_up_hints[missed.index].strip():
        return question.follow_up_hints[missed.index].strip()
    point = missed.text.rstrip(". ")
    return f"Let's go one step further. {point}. Can you explain why that holds, and how you would use it in practice?"


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
