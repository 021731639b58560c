"""The rubric playground: the grade an answer would get (nothing stored)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.core.exceptions import ApplicationError, Conflict
from apps.questionbank.models import Question, QuestionVersion
from apps.questionbank.selectors import question_spec_for

if TYPE_CHECKING:
    from ml.grading.types import Grade


MAX_TRY_CHARS = 20000


def question_try(*, question: Question, text: str, version: QuestionVersion | None = None) -> Grade:
    """The rubric playground: the grade `text` would get against the question's rubric. Nothing is stored."""
    from ml.grading.rubric import grade_with_rubric

    if not isinstance(text, str) or not text.strip():
        raise ApplicationError("Write an answer to try.", errors={"text": ["Write an answer to try."]})
    if len(text) > MAX_TRY_CHARS:
        message = f"An answer may be at most {MAX_TRY_CHARS} characters."
        raise ApplicationError(message, errors={"text": [message]})
    version = version or question.current_version
    if version is None:
        raise Conflict("This question has no rubric yet.")
    return grade_with_rubric(question_spec_for(version), text)
