"""Reads of companies and roles for the API and the role pages (relations fetched up front)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from apps.careers.models import Company, JobRole, RoleSkill
from apps.core.exceptions import NotFound


def company_list(*, q: str = "", category: str = "") -> QuerySet[Company]:
    companies = Company.objects.order_by("name")
    if q:
        companies = companies.filter(name__icontains=q)
    if category:
        companies = companies.filter(category=category)
    return companies


def _with_relations(roles: QuerySet[JobRole]) -> QuerySet[JobRole]:
    return roles.select_related("company").prefetch_related(
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill").order_by("-weight", "skill__slug")),
        Prefetch("hiring_companies", queryset=Company.objects.order_by("name")),
    )


def role_list(*, q: str = "", seniority: str = "", company_id: int | None = None, is_posting: bool | None = None,
              skill: str = "") -> QuerySet[JobRole]:
    roles = JobRole.objects.order_by("title", "id")
    if q:
        roles = roles.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if seniority:
        roles = roles.filter(seniority=seniority)
    if company_id:
        roles = roles.filter(Q(company_id=company_id) | Q(hiring_companies=company_id)).distinct()
    if is_posting is not None:
        roles = roles.filter(is_posting=is_posting)
    if skill:
        roles = roles.filter(role_skills__skill__slug=skill)
    return _with_relations(roles)


def role_get(*, role_id: int) -> JobRole:
    role = _with_relations(JobRole.objects.filter(pk=role_id)).first()
    if role is None:
        raise NotFound("Role not found.")
    return role


def company_get(*, slug: str) -> Company:
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        raise NotFound("Company not found.")
    return company
def catalog_roles_near(*, embedding: list[float] | None) -> list[tuple[int, str, str, float, dict[str, int]]]:
    """Every catalog role (not staff postings) with an embedding: (id, seniority, discipline, cosine
    similarity of its text to `embedding`, {skill slug: weight}), in one statement. The catalog is
    curated (tens to hundreds of roles): this is the evidence for a document's discipline and the
    set of roles whose scores are stored per resume."""
    if embedding is None:
        return []
    from django.db import connection

    from apps.roadmap.models import Skill

    role, role_skill, skill = JobRole._meta.db_table, RoleSkill._meta.db_table, Skill._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT r.id, r.seniority, r.family, 1 - (r.embedding <=> %s::vector),
                       array_remove(array_agg(s.slug), NULL), array_remove(array_agg(rs.weight), NULL)
                FROM {role} r LEFT JOIN {role_skill} rs ON rs.role_id = r.id LEFT JOIN {skill} s ON s.id = rs.skill_id
                WHERE NOT r.is_posting AND r.embedding IS NOT NULL GROUP BY r.id ORDER BY r.id""",  # noqa: S608
            ["[" + ",".join(f"{float(v):.7g}" for v in embedding) + "]"],
        )
        rows = cursor.fetchall()
    return [(rid, seniority, family, float(sim), dict(zip(slugs or (), weights or (), strict=True)))
            for rid, seniority, family, sim, slugs, weights in rows]


def discipline_affinities(*, embedding: list[float] | None, skills: dict[str, float],
                          roles: list[tuple[int, str, str, float, dict[str, int]]] | None = None) -> dict[str, float]:
    """Discipline → affinity (best 1.0) of a document (a resume, a posting) from the catalog roles."""
    from ml import disciplines

    rows = catalog_roles_near(embedding=embedding) if roles is None else roles
    return disciplines.affinities(
        [disciplines.CatalogRole(family, sim, role_skills) for _, _, family, sim, role_skills in rows], skills)
