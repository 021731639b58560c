"""Question embeddings (of the current prompt), refreshed after commit on the "documents" queue."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import transaction

from apps.questionbank.models import Question


def question_embedding_text(question: Question) -> str:
    return question.current_version.prompt if question.current_version is not None else ""


def question_embedding_refresh(*, question_id: int) -> bool:
    """Embed the question's current prompt. Returns False when the question is gone or has no prompt."""
    from ml.embeddings import get_encoder

    question = Question.objects.select_related("current_version").filter(pk=question_id).first()
    if question is None or not question.current_version_id:
        return False
    question.embedding = get_encoder().encode([question_embedding_text(question)])[0].tolist()
    question.save(update_fields=["embedding"])
    return True


def questions_embed_missing(*, batch_size: int = 64) -> int:
    """Embed questions whose current prompt has no vector yet (or changed). Returns how many."""
    from ml.embeddings import get_encoder

    pending = list(
        Question.objects.bank().select_related("current_version").filter(current_version__isnull=False,
                                                                         embedding__isnull=True)
    )
    if not pending:
        return 0
    encoder = get_encoder()
    for start in range(0, len(pending), batch_size):
        chunk = pending[start : start + batch_size]
        vectors = encoder.encode([question_embedding_text(q) for q in chunk])
        for question, vector in zip(chunk, vectors, strict=True):
            question.embedding = vector.tolist()
        Question.objects.bulk_update(chunk, ["embedding"])
    return len(pending)


def _embed_after_commit(question_ids: Sequence[int] | None = None) -> None:
    """Queue re-embedding for when the transaction commits (queue "documents"); the web request never waits."""
    from apps.questionbank import tasks

    if question_ids is None:
        transaction.on_commit(lambda: tasks.questions_embed_missing_task.delay())
    else:
        for question_id in question_ids:
            transaction.on_commit(functools.partial(tasks.question_embed_task.delay, question_id))
