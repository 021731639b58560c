"""Question bank services: embeddings for near-duplicate search (more arrive with issue 5)."""

from apps.questionbank.models import Question


def question_embedding_text(question: Question) -> str:
    return question.current_version.prompt if question.current_version_id else ""


def questions_embed_missing(*, batch_size: int = 64) -> int:
    """Embed questions whose current prompt has no vector yet (or changed). Returns how many."""
    from ml.embeddings import get_encoder

    pending = [
        q for q in Question.objects.select_related("current_version").filter(current_version__isnull=False)
        if q.embedding is None
    ]
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
