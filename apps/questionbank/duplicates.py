"""The near-duplicate check while a prompt is being written: the bank's nearest questions to a draft prompt.

Used by the question editor (htmx, as staff type) and by `POST /api/v1/questions/similar-check/`, so
staff see a duplicate before saving rather than after. Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.questionbank import selectors
from apps.questionbank.models import Question

MIN_PROMPT_CHARS = 20  # shorter text is not a question yet; its neighbours would be noise
SHOW_SIMILARITY = 0.6  # below this a question is about something else
MAX_PROMPT_CHARS = 4000
LIMIT = 5


@dataclass(frozen=True)
class PromptCheck:
    checked: bool  # False when the prompt is too short to compare
    similar: list[selectors.SimilarQuestion]

    @property
    def near_duplicates(self) -> list[selectors.SimilarQuestion]:
        return [s for s in self.similar if s.similarity >= selectors.NEAR_DUPLICATE_SIMILARITY]


def prompt_check(*, prompt: str, exclude: Question | None = None, limit: int = LIMIT) -> PromptCheck:
    """The bank questions (any status) whose prompt is at least `SHOW_SIMILARITY` similar to `prompt`, best first;
    `exclude` is the question being edited."""
    text = (prompt or "").strip()[:MAX_PROMPT_CHARS]
    if len(text) < MIN_PROMPT_CHARS:
        return PromptCheck(checked=False, similar=[])
    similar = selectors.similar_questions(text=text, exclude=exclude, limit=limit, min_similarity=SHOW_SIMILARITY)
    return PromptCheck(checked=True, similar=similar)
