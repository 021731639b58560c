"""Staff write actions on companies and roles (API, the job-posting page).

They belong with the embedding services in apps/careers/services.py; they live here until that
file's owner merges them (same HackSoft shape: keyword-only, atomic, full_clean, return the row).
Every create or edit of a role re-embeds it after commit (`role_embedding_refresh_later`).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.text import slugify

from apps.careers.models import Company, JobRole, RoleSkill
from apps.careers.services import role_embedding_refresh_later, role_match_vectors_refresh
from apps.core.exceptions import ApplicationError
from apps.roadmap.models import Skill

ROLE_FIELDS = {"title", "description", "seniority", "company", "family", "salary_min", "salary_max",
               "salary_currency", "salary_period", "salary_region", "is_posting", "source_url", "interview_rounds"}


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
    role.delete()
