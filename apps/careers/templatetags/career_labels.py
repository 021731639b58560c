"""`{% load career_labels %}`: `{{ round_id|round_label }}`, `{{ rounds|round_labels }}`, `{{ role|salary }}`."""

from collections.abc import Iterable

from django import template

from apps.careers import labels

register = template.Library()


@register.filter
def round_label(value: str) -> str:
    return labels.round_label(value)


@register.filter
def round_labels(values: Iterable[str]) -> str:
    """A list of round ids as one readable line: "Coding, ML fundamentals, System design"."""
    return ", ".join(labels.round_label(value) for value in values or ())


@register.filter
def salary(role: object) -> str:
    """A role's salary range in words ("" when it has none)."""
    return labels.salary_range(
        low=getattr(role, "salary_min", None), high=getattr(role, "salary_max", None),
        currency=getattr(role, "salary_currency", ""), period=getattr(role, "salary_period", "") or "year",
        region=getattr(role, "salary_region", ""),
    )
