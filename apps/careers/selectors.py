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
