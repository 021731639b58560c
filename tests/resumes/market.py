"""The labelled market set (tests/resumes/fixtures/market/, README.md there): 50 postings of 14
disciplines, 52 resumes, labels written before any matching ran. Shared by the floors test and by
bench/matching_eval.py (tuning reads the `tune` split only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

MARKET = Path(__file__).parent / "fixtures" / "market"
TODAY = date(2026, 12, 7)  # "today" of the set's date ranges


@dataclass(frozen=True)
class Label:
    name: str
    split: str
    best: tuple[str, ...]
    relevant: frozenset[str]
    irrelevant: frozenset[str]


def labels(split: str | None = None) -> list[Label]:
    data = yaml.safe_load((MARKET / "labels.yaml").read_text())["resumes"]
    found = [Label(name, item["split"], tuple(item["best"]), frozenset(item["relevant"]), frozenset(item["irrelevant"]))
             for name, item in sorted(data.items())]
    return [label for label in found if split is None or label.split == split]


def load_roles() -> dict[str, object]:
    """Replace the roles (in the current transaction) with the set's postings, as staff would add them:
    title, discipline, seniority and text given; skills found by our extractor in the text; embedded."""
    from apps.careers.models import JobRole, RoleSkill
    from apps.careers.services import roles_embed_missing
    from apps.resumes.selectors import skill_matcher
    from apps.roadmap.models import Skill
    from ml.matching import posting_skill_weights

    JobRole.objects.all().delete()
    matcher = skill_matcher()
    skills = {s.slug: s for s in Skill.objects.all()}
    roles = {}
    for item in yaml.safe_load((MARKET / "roles.yaml").read_text())["roles"]:
        role = JobRole.objects.create(slug=item["slug"], title=item["title"], family=_discipline(item["discipline"]),
                                      seniority=item["seniority"], description=item["description"])
        weights = posting_skill_weights(matcher.find(f"{item['title']}\n{item['description']}"))
        RoleSkill.objects.bulk_create([RoleSkill(role=role, skill=skills[slug], weight=w) for slug, w in weights.items()])
        roles[item["slug"]] = role
    roles_embed_missing()
    return roles


def _discipline(key: str) -> str:
    from ml.disciplines import normalise

    value = normalise(key)
    assert value, f"unknown discipline {key}"
    return value


def process(user: object, name: str) -> object:
    """Upload and process a resume of the set through the real services."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.resumes import services

    data = (MARKET / "resumes" / name).read_bytes()
    result = services.resume_upload(user=user, file=SimpleUploadedFile(name, data), filename=name, size=len(data))
    return services.resume_process(resume_id=result.resume.pk, today=TODAY)


@dataclass(frozen=True)
class Figures:
    resumes: int
    relevant_top3: float  # share of resumes with a relevant role in the top 3
    irrelevant_top3: float  # share of resumes with an irrelevant role in the top 3
    best_first: float  # share whose first role is one of its `best`
    misses: list[str]


def figures(rankings: dict[str, list[str]], wanted: list[Label]) -> Figures:
    relevant = irrelevant = best = 0
    misses = []
    for label in wanted:
        top3 = rankings[label.name][:3]
        relevant += any(slug in label.relevant for slug in top3)
        bad = [slug for slug in top3 if slug in label.irrelevant]
        irrelevant += bool(bad)
        best += bool(top3) and top3[0] in label.best
        if bad or not any(slug in label.relevant for slug in top3):
            misses.append(f"{label.name} ({label.split}): top 3 {top3}; irrelevant {bad}")
    n = len(wanted) or 1
    return Figures(len(wanted), relevant / n, irrelevant / n, best / n, misses)
