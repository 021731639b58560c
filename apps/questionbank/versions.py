"""Restoring an older version of a question's rubric: the restore is a new version, history is never rewritten."""

from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User
from apps.core.exceptions import Conflict, NotFound
from apps.questionbank import services
from apps.questionbank.models import Question, QuestionVersion


def question_version_get(*, question: Question, number: int) -> QuestionVersion:
    version = question.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise NotFound(f"This question has no version {number}.")
    return version


@transaction.atomic
def question_version_restore(*, question: Question, number: int, user: User | None) -> QuestionVersion:
    """Make version `number`'s prompt, key points (with their ids and follow-ups) and reference answer the
    current rubric again, as a new version N+1 that records which version it restored.

    Raises Conflict when `number` is the current version or its rubric is the current one already.
    """
    version = question_version_get(question=question, number=number)
    if version.pk == question.current_version_id:
        raise Conflict(f"Version {number} is the current version already.")
    before = question.current_version_id
    question = services.question_update(
        question=question, user=user, prompt=version.prompt, key_points=version.key_points,
        reference_answer=version.reference_answer,
    )
    if question.current_version_id == before:
        raise Conflict(f"Version {number} has the same rubric as the current version; nothing to restore.")
    restored = question.current_version
    if restored is None:  # question_update always leaves a current version; this narrows the type
        raise Conflict(f"Version {number} could not be restored: the question has no current version.")
    restored.restored_from = version.number
    restored.save(update_fields=["restored_from"])
    return restored
