"""Companies and roles: staff write actions (API, the job-posting page), role embeddings and match vectors.

A role's text is embedded after commit whenever it is created or edited (admin, API, catalog loader),
and its match vector (embedding + skill shares + seniority, what resume matching probes) is rebuilt
whenever the embedding, the skills or the seniority change."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from apps.careers import selectors
from apps.careers.models import Company, JobRole, RoleSkill
from apps.core.exceptions import ApplicationError
from apps.roadmap.models import Skill
from ml import disciplines, matching

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
    changed = force or digest != role.embedded_text_hash or role.embedding is None
    if changed:
        role.embedding = get_encoder().encode([text])[0].tolist()
        role.embedded_text_hash = digest
        role.save(update_fields=["embedding", "embedded_text_hash"])
    role_discipline_infer(role=role)
    role_match_vectors_refresh(role_ids=[role.pk])  # also when only weights changed (same text)
    resume_scores_refresh_later(role_ids=[role.pk])
    return changed


def role_discipline_infer(*, role: JobRole) -> str:
    """A role with no discipline (a staff posting) gets the one its text and skills are closest to."""
    if role.family or role.embedding is None:
        return role.family
    skills = dict(RoleSkill.objects.filter(role=role).values_list("skill__slug", "weight"))
    rows = [row for row in selectors.catalog_roles_near(embedding=list(role.embedding)) if row[0] != role.pk]
    values = selectors.discipline_affinities(embedding=None, skills={s: 1.0 for s in skills}, roles=rows)
    best = disciplines.best_discipline(values)
    if best:
        role.family = best
        JobRole.objects.filter(pk=role.pk).update(family=best)
    return best


def resume_scores_refresh_later(*, role_ids: Iterable[int] | None = None) -> None:
    """After commit, refresh every resume's stored role scores (for these roles, or all when None)."""
    from apps.careers.signals import roles_changed

    ids = None if role_ids is None else sorted(set(role_ids))
    # apps/resumes/receivers.py queues the refresh (resumes sits above careers: careers never imports it)
    transaction.on_commit(lambda: roles_changed.send(sender=JobRole, role_ids=ids), robust=True)


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
    for role, _, _ in pending:
        if not role.family:
            role_discipline_infer(role=role)
    stale = JobRole.objects.filter(Q(is_posting=False) | Q(match_vector=None)).values_list("pk", flat=True)
    role_match_vectors_refresh(role_ids={role.pk for role, _, _ in pending} | set(stale))
    resume_scores_refresh_later()  # the catalog changed: every resume's stored scores and disciplines
    return len(pending)


def role_embedding_refresh_later(*, role_id: int) -> None:
    """Queue the embedding after the surrounding transaction commits (the web request never loads the model)."""
    from apps.careers.tasks import role_embed_task

    transaction.on_commit(lambda: role_embed_task.delay(role_id))


MAX_SKILL_SLOTS = 4096  # slot ids; ml.matching.skill_position folds them into SKILL_SLOTS positions


def skill_vector_slots() -> dict[int, int]:
    """Skill id → its slot (a stable id; `ml.matching.skill_position` places it in the match vectors).
    A skill without one gets the next never-used slot, in catalog order, so skills that share a
    position are far apart in the taxonomy."""
    for _attempt in range(3):
        rows = list(Skill.objects.order_by("category__order", "order", "id").values_list("id", "vector_slot"))
        slots = {skill_id: slot for skill_id, slot in rows if slot is not None}
        missing = [skill_id for skill_id, slot in rows if slot is None]
        if not missing:
            return slots
        start = max(slots.values(), default=-1) + 1
        if start + len(missing) > MAX_SKILL_SLOTS:
            logger.warning("%d skills have no match-vector slot: they are left out of candidate retrieval",
                           start + len(missing) - MAX_SKILL_SLOTS)
        assigned = dict(zip(missing, range(start, MAX_SKILL_SLOTS), strict=False))
        try:
            with transaction.atomic():
                for skill_id, slot in assigned.items():
                    Skill.objects.filter(pk=skill_id, vector_slot=None).update(vector_slot=slot)
        except IntegrityError:  # another process assigned the same slot first: read again
            continue
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
        batch = list(JobRole.objects.filter(pk__in=ids[start : start + batch_size]).only("id", "embedding", "seniority", "family"))
        weights: dict[int, dict[int, int]] = {}
        for role_id, skill_id, weight in RoleSkill.objects.filter(role_id__in=[r.pk for r in batch]).values_list(
            "role_id", "skill_id", "weight"
        ):
            if skill_id in slots:
                weights.setdefault(role_id, {})[slots[skill_id]] = weight
        for role in batch:
            role.match_vector = matching.role_match_vector(role.embedding, weights.get(role.pk, {}), role.seniority,  # type: ignore[arg-type]  # embedded first
                                                           role.family)
        JobRole.objects.bulk_update(batch, ["match_vector"])
        done += len(batch)
    return done


# --- staff write actions (keyword-only, atomic, full_clean, return the row) -----------------------
ROLE_FIELDS = {"title", "description", "seniority", "company", "family", "salary_min", "salary_max",
               "salary_currency", "salary_period", "salary_region", "is_posting", "source_url", "interview_rounds"}


def _discipline(fields: dict[str, object]) -> None:
    """A role's discipline, spelled as ml.disciplines knows it ('' leaves it to be inferred)."""
    if "family" in fields and fields["family"] is not None:
        given = str(fields["family"]).strip()
        fields["family"] = disciplines.normalise(given)
        if given and not fields["family"]:
            raise ApplicationError("Unknown discipline.", errors={"family": [f"One of {', '.join(disciplines.SLUGS)}."]})


def _unique_slug(model: type[Company] | type[JobRole], text: str, max_length: int) -> str:
    base = (slugify(text) or "item")[: max_length - 6]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def company_create(*, name: str, category: str = Company.Category.ENTERPRISE, region: str = "",
                   description: str = "") -> Company:
    name = name.strip()
    if Company.objects.filter(name__iexact=name).exists():
        raise ApplicationError("A company with this name already exists.", errors={"name": ["Already exists."]})
    company = Company(slug=_unique_slug(Company, name, 80), name=name, category=category, region=region.strip(),
                      description=description.strip())
    company.full_clean()
    company.save()
    return company


def _skill_weights(skills: Mapping[str, int] | list[str]) -> dict[Skill, int]:
    weights = dict(skills) if isinstance(skills, Mapping) else dict.fromkeys(skills, 2)
    found = {s.slug: s for s in Skill.objects.filter(slug__in=weights)}
    unknown = sorted(set(weights) - set(found))
    if unknown:
        raise ApplicationError(f"Unknown skills: {', '.join(unknown)}.", errors={"skills": [f"Unknown: {s}" for s in unknown]})
    bad = [slug for slug, w in weights.items() if not 1 <= int(w) <= 3]
    if bad:
        raise ApplicationError("Skill weights are 1 to 3.", errors={"skills": [f"Bad weight for {s}" for s in bad]})
    return {found[slug]: int(w) for slug, w in weights.items()}


def _set_skills(role: JobRole, skills: Mapping[str, int] | list[str]) -> None:
    weights = _skill_weights(skills)
    RoleSkill.objects.filter(role=role).delete()
    RoleSkill.objects.bulk_create([RoleSkill(role=role, skill=skill, weight=w) for skill, w in weights.items()])
    role_match_vectors_refresh(role_ids=[role.pk])  # matching sees the new skills now; the text follows


@transaction.atomic
def role_create(*, title: str, description: str, skills: Mapping[str, int] | list[str],
                **fields: object) -> JobRole:
    """A catalog role or (with `is_posting`, `company`, `source_url`) a real job posting."""
    unknown = set(fields) - ROLE_FIELDS
    if unknown:
        raise TypeError(f"role_create got unexpected fields: {sorted(unknown)}")
    _discipline(fields)
    company = fields.get("company")
    slug_text = f"{title} {company.name}" if isinstance(company, Company) and fields.get("is_posting") else title
    role = JobRole(slug=_unique_slug(JobRole, slug_text, 120), title=title.strip(), description=description.strip(),
                   **fields)
    role.full_clean()
    role.save()
    _set_skills(role, skills)
    role_embedding_refresh_later(role_id=role.pk)
    return role


@transaction.atomic
def role_update(*, role: JobRole, skills: Mapping[str, int] | list[str] | None = None, **fields: object) -> JobRole:
    unknown = set(fields) - ROLE_FIELDS
    if unknown:
        raise TypeError(f"role_update got unexpected fields: {sorted(unknown)}")
    _discipline(fields)
    for name, value in fields.items():
        setattr(role, name, value.strip() if isinstance(value, str) and name in {"title", "description"} else value)
    role.full_clean()
    role.save()
    if skills is not None:
        _set_skills(role, skills)
    else:
        role_match_vectors_refresh(role_ids=[role.pk])  # the seniority may have changed
    role_embedding_refresh_later(role_id=role.pk)
    return role


@transaction.atomic
def role_delete(*, role: JobRole) -> None:
    role.delete()  # its stored resume scores go with it (cascade)
