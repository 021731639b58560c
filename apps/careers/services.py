"""Role embeddings: a role's text is embedded when it is created or edited (admin, API, catalog loader)."""

import hashlib
import logging

from django.db import transaction

from apps.careers.models import JobRole

logger = logging.getLogger(__name__)


def role_embedding_text(role: JobRole) -> str:
    skills = ", ".join(rs.skill.name for rs in role.role_skills.select_related("skill").order_by("-weight", "skill__name"))
    return f"{role.title} ({role.get_seniority_display()}). {role.description}\nSkills: {skills}"


def role_embedding_refresh(*, role_id: int, force: bool = False) -> bool:
    """Embed the role's text unless it is unchanged. Returns True when a new vector was stored."""
    from ml.embeddings import get_encoder

    role = JobRole.objects.get(pk=role_id)
    text = role_embedding_text(role)
    digest = hashlib.sha256(text.encode()).hexdigest()
    if not force and digest == role.embedded_text_hash and role.embedding is not None:
        return False
    role.embedding = get_encoder().encode([text])[0].tolist()
    role.embedded_text_hash = digest
    role.save(update_fields=["embedding", "embedded_text_hash"])
    return True


def roles_embed_missing(*, batch_size: int = 64) -> int:
    """Embed every role whose text changed since it was last embedded, in batches. Returns how many."""
    from ml.embeddings import get_encoder

    roles = list(JobRole.objects.prefetch_related("role_skills__skill"))
    pending = []
    for role in roles:
        text = role_embedding_text(role)
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest != role.embedded_text_hash or role.embedding is None:
            pending.append((role, text, digest))
    encoder = get_encoder() if pending else None
    for start in range(0, len(pending), batch_size):
        chunk = pending[start : start + batch_size]
        vectors = encoder.encode([text for _, text, _ in chunk])  # type: ignore[union-attr]
        for (role, _, digest), vector in zip(chunk, vectors, strict=True):
            role.embedding = vector.tolist()
            role.embedded_text_hash = digest
        JobRole.objects.bulk_update([role for role, _, _ in chunk], ["embedding", "embedded_text_hash"])
    return len(pending)


def role_embedding_refresh_later(*, role_id: int) -> None:
    """Queue the embedding after the surrounding transaction commits (the web request never loads the model)."""
    from apps.careers.tasks import role_embed_task

    transaction.on_commit(lambda: role_embed_task.delay(role_id))
