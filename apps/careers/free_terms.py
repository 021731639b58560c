"""Free terms: skill-like terms from resumes and pasted postings that the taxonomy lacks, counted for
staff, who promote them (a new skill, or a synonym of an existing one) or dismiss them.

Only the term and how many documents named it are kept, never which document or learner."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.text import slugify

from apps.careers.models import FreeTerm
from apps.core.exceptions import ApplicationError
from apps.roadmap.models import Skill, SkillCategory
from ml.skill_terms import free_terms, term_key


def _matcher():  # type: ignore[no-untyped-def]
    from apps.roadmap.selectors import skill_matcher

    return skill_matcher()


def free_terms_record(*, text: str, source: str, terms: dict[str, int] | None = None) -> list[str]:
    """Count the document's free terms (once per document). `source` is "resume" or "posting"."""
    found = free_terms(text, _matcher()) if terms is None else terms
    if not found:
        return []
    counter = "resume_count" if source == "resume" else "posting_count"
    keys = {term_key(term): term for term in found}
    with transaction.atomic():
        existing = set(FreeTerm.objects.filter(key__in=keys).values_list("key", flat=True))
        FreeTerm.objects.bulk_create(
            [FreeTerm(key=key, term=term[:80]) for key, term in keys.items() if key not in existing],
            ignore_conflicts=True,
        )
        FreeTerm.objects.filter(key__in=keys).update(**{counter: F(counter) + 1})
    return list(found)


def free_terms_forget(*, text: str, source: str) -> int:
    """A document is erased: take its free terms back out of the counts, and drop the terms nobody else
    named that staff have not handled yet (a resume's own words, such as an employer's name, do not
    outlive it). Returns how many terms were dropped."""
    found = free_terms(text, _matcher()) if text else {}
    if not found:
        return 0
    counter = "resume_count" if source == "resume" else "posting_count"
    keys = {term_key(term) for term in found}
    with transaction.atomic():
        FreeTerm.objects.filter(key__in=keys, **{f"{counter}__gt": 0}).update(**{counter: F(counter) - 1})
        dropped, _ = FreeTerm.objects.filter(key__in=keys, status=FreeTerm.Status.NEW, resume_count=0,
                                             posting_count=0).delete()
    return dropped


def free_term_list(*, status: str = FreeTerm.Status.NEW) -> QuerySet[FreeTerm]:
    terms = FreeTerm.objects.select_related("skill").order_by("-posting_count", "-resume_count", "key")
    return terms.filter(status=status) if status else terms


@transaction.atomic
def free_term_promote(*, term: FreeTerm, skill: Skill | None = None, name: str = "",
                      category: SkillCategory | None = None) -> Skill:
    """Make the term a synonym of `skill`, or a new skill called `name` in `category`."""
    if term.status != FreeTerm.Status.NEW:
        raise ApplicationError("This term was already handled.", errors={"term": ["Already promoted or dismissed."]})
    if skill is None:
        name = (name or term.term).strip()
        if category is None:
            raise ApplicationError("Pick a category for the new skill.", errors={"category": ["Required."]})
        slug = slugify(name)[:60] or term.key[:60]
        if Skill.objects.filter(slug=slug).exists():
            raise ApplicationError("A skill with this name exists: add the term as its synonym.",
                                   errors={"name": ["Already a skill."]})
        skill = Skill(slug=slug, name=name[:120], category=category, synonyms=[term.term])
        skill.full_clean()
        skill.save()
    elif term.term.lower() not in {s.lower() for s in skill.synonyms} and term.term.lower() != skill.name.lower():
        skill.synonyms = [*skill.synonyms, term.term]
        skill.save(update_fields=["synonyms"])
    term.status, term.skill = FreeTerm.Status.PROMOTED, skill
    term.save(update_fields=["status", "skill", "last_seen"])
    return skill


@transaction.atomic
def free_term_dismiss(*, term: FreeTerm) -> FreeTerm:
    if term.status != FreeTerm.Status.NEW:
        raise ApplicationError("This term was already handled.", errors={"term": ["Already promoted or dismissed."]})
    term.status = FreeTerm.Status.DISMISSED
    term.save(update_fields=["status", "last_seen"])
    return term
