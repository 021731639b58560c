"""Role embeddings and match vectors: a role's text is embedded when it is created or edited (admin,
API, catalog loader), and its match vector (embedding + skill shares + seniority, what resume
matching probes) is rebuilt whenever the embedding, the skills or the seniority change."""

import hashlib
import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.careers.models import JobRole, RoleSkill
from apps.roadmap.models import Skill
from ml import matching

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
        role_match_vectors_refresh(role_ids=[role.pk])  # weights may have changed without the text
        return False
    role.embedding = get_encoder().encode([text])[0].tolist()
    role.embedded_text_hash = digest
    role.save(update_fields=["embedding", "embedded_text_hash"])
    role_match_vectors_refresh(role_ids=[role.pk])
    return True


def roles_embed_missing(*, batch_size: int = 64) -> int:
    """Embed every role whose text changed since it was last embedded, in batches. Returns how many.

    Match vectors are rebuilt for those, for roles that have none, and for the catalog's roles (the
    loader may change a weight without changing the text); staff-added postings keep theirs (their
    edits rebuild them at once)."""
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
    stale = JobRole.objects.filter(Q(is_posting=False) | Q(match_vector=None)).values_list("pk", flat=True)
    role_match_vectors_refresh(role_ids={role.pk for role, _, _ in pending} | set(stale))
    return len(pending)


def role_embedding_refresh_later(*, role_id: int) -> None:
    """Queue the embedding after the surrounding transaction commits (the web request never loads the model)."""
    from apps.careers.tasks import role_embed_task

    transaction.on_commit(lambda: role_embed_task.delay(role_id))


def skill_vector_slots() -> dict[int, int]:
    """Skill id → its slot in the match vectors. A skill without one gets the next never-used slot;
    once all `SKILL_SLOTS` have been used, freed slots are reused and every role vector is rebuilt
    (a freed slot may still hold a deleted skill's share). Skills beyond capacity get none: they
    still count in the exact score, only not in candidate retrieval (logged)."""
    for _attempt in range(3):
        rows = list(Skill.objects.order_by("id").values_list("id", "vector_slot"))
        slots = {skill_id: slot for skill_id, slot in rows if slot is not None}
        missing = [skill_id for skill_id, slot in rows if slot is None]
        if not missing:
            return slots
        used = set(slots.values())
        fresh = list(range(max(used, default=-1) + 1, matching.SKILL_SLOTS))
        reused = [slot for slot in range(matching.SKILL_SLOTS) if slot not in used and slot not in fresh]
        free = fresh + reused
        if len(missing) > len(free):
            logger.warning("%d skills have no match-vector slot (SKILL_SLOTS=%d): they are left out of "
                           "candidate retrieval", len(missing) - len(free), matching.SKILL_SLOTS)
        assigned = dict(zip(missing, free, strict=False))
        try:
            with transaction.atomic():
                for skill_id, slot in assigned.items():
                    Skill.objects.filter(pk=skill_id, vector_slot=None).update(vector_slot=slot)
        except IntegrityError:  # another process assigned the same slot first: read again
            continue
        if any(slot in reused for slot in assigned.values()):
            transaction.on_commit(lambda: role_match_vectors_refresh())
        return {**slots, **assigned}
    raise RuntimeError("could not assign match-vector slots to skills")


def role_match_vectors_refresh(*, role_ids: Iterable[int] | None = None, batch_size: int = 1000) -> int:
    """Rebuild the match vectors of these roles (all roles when None) from their embedding, skills and
    seniority. No model is loaded: cheap enough to run inside the request that edits a role."""
    slots = skill_vector_slots()
    roles = JobRole.objects.exclude(embedding=None).order_by("id")
    if role_ids is not None:
        roles = roles.filter(pk__in=list(role_ids))
    done = 0
    ids = list(roles.values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = list(JobRole.objects.filter(pk__in=ids[start : start + batch_size]).only("id", "embedding", "seniority"))
        weights: dict[int, dict[int, int]] = {}
        for role_id, skill_id, weight in RoleSkill.objects.filter(role_id__in=[r.pk for r in batch]).values_list(
            "role_id", "skill_id", "weight"
        ):
            if skill_id in slots:
                weights.setdefault(role_id, {})[slots[skill_id]] = weight
        for role in batch:
            role.match_vector = matching.role_match_vector(role.embedding, weights.get(role.pk, {}), role.seniority)
        JobRole.objects.bulk_update(batch, ["match_vector"])
        done += len(batch)
    return done
