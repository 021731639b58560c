"""Disciplines of the tech job market, and how well a resume belongs to each (plain Python).

A role's discipline is its `family` in `data/catalog/roles.yaml`. A resume's affinity to a discipline
is measured against the catalog itself: how close the resume is (text and skills, as in the match
score) to the discipline's best catalog roles. Affinities are relative (the resume's best discipline
is 1.0), and the match score is scaled
by `discipline_factor(affinity)`, so a role of another field cannot outrank the roles of the
learner's own field on text and a few shared skills (docs/matching.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Slot order is stored in every role's match vector: append, never reorder or remove.
DISCIPLINES: tuple[tuple[str, str], ...] = (
    ("llm_engineering", "LLM engineering"),
    ("ml_engineering", "ML engineering"),
    ("research", "Research"),
    ("data_science", "Data science"),
    ("mlops", "MLOps and ML platform"),
    ("applied_ai", "Applied AI"),
    ("ai_product", "AI product"),
    ("frontend", "Frontend engineering"),
    ("backend", "Backend engineering"),
    ("fullstack", "Full-stack engineering"),
    ("mobile", "Mobile engineering"),
    ("data_engineering", "Data engineering"),
    ("analytics", "Analytics"),
    ("devops", "Cloud, DevOps and SRE"),
    ("security", "Security"),
    ("product", "Product management"),
    ("solutions", "Solutions architecture"),
    ("qa", "Quality engineering"),
    ("design", "Design"),
    ("leadership", "Engineering leadership"),
    ("computer_vision", "Computer vision"),
    ("speech", "Speech and audio"),
)
DISCIPLINE_SLOTS = 24  # room to append disciplines without changing the match vector's length
NAMES: dict[str, str] = dict(DISCIPLINES)
SLUGS: tuple[str, ...] = tuple(slug for slug, _ in DISCIPLINES)

# Spellings seen in data files for the same discipline.
ALIASES: dict[str, str] = {
    "frontend_engineering": "frontend", "front_end": "frontend", "web_frontend": "frontend",
    "backend_engineering": "backend", "back_end": "backend",
    "full_stack": "fullstack", "fullstack_engineering": "fullstack",
    "mobile_engineering": "mobile", "ios": "mobile", "android": "mobile",
    "data_analytics": "analytics", "business_intelligence": "analytics", "bi": "analytics",
    "data_analysis": "analytics",
    "cloud": "devops", "sre": "devops", "platform": "devops", "cloud_devops": "devops", "infrastructure": "devops",
    "devops_sre": "devops",
    "product_management": "product", "pm": "product",
    "solutions_architecture": "solutions", "solutions_architect": "solutions",
    "quality_engineering": "qa", "testing": "qa",
    "engineering_management": "leadership", "management": "leadership",
    "ml_platform": "mlops", "ai_research": "research", "ml_research": "research",
    "vision": "computer_vision", "cv": "computer_vision", "audio": "speech",
    "dataeng": "data_engineering", "datascience": "data_science", "mleng": "ml_engineering",
    "llm": "llm_engineering", "nlp": "llm_engineering", "fullstack_web": "fullstack",
}

# How the affinity is made: a discipline's closeness is that of its best catalog roles to the resume
# (text and skills, as in the match score), averaged over its TOP_ROLES best.
W_TEXT = 0.45
TEXT_LOW, TEXT_HIGH = 0.15, 0.70
TOP_ROLES = 2
# The score's multiplier for a role of a discipline with affinity a (1 = the resume's own field).
FACTOR_FLOOR = 0.3
FACTOR_POWER = 4.0


def normalise(slug: str) -> str:
    """The canonical discipline slug for a data file's spelling ('' when unknown or empty)."""
    key = (slug or "").strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    return key if key in NAMES else ""


def slot(slug: str) -> int | None:
    key = normalise(slug)
    return SLUGS.index(key) if key else None


def label(slug: str) -> str:
    return NAMES.get(normalise(slug), "")


@dataclass(frozen=True)
class CatalogRole:
    """A catalog role as discipline evidence: its discipline, its text's cosine to the document, its skills."""

    discipline: str
    similarity: float
    skills: Mapping[str, int]  # slug → weight 1-3


def role_closeness(role: CatalogRole, skills: Mapping[str, float]) -> float:
    """How close a document (skill slug → evidence) is to one role: text and weighted skill overlap."""
    text = min(1.0, max(0.0, (role.similarity - TEXT_LOW) / (TEXT_HIGH - TEXT_LOW)))
    total = sum(role.skills.values())
    overlap = sum(w * min(1.0, skills.get(slug, 0.0)) for slug, w in role.skills.items()) / total if total else 0.0
    return W_TEXT * text + (1 - W_TEXT) * overlap


def affinities(roles: Iterable[CatalogRole], skills: Mapping[str, float]) -> dict[str, float]:
    """Discipline → affinity in [0, 1], the best discipline 1.0 (empty when nothing is known)."""
    by_field: dict[str, list[float]] = {}
    for role in roles:
        key = normalise(role.discipline)
        if key:
            by_field.setdefault(key, []).append(role_closeness(role, skills))
    raw = {key: sum(sorted(values, reverse=True)[:TOP_ROLES]) / min(TOP_ROLES, len(values))
           for key, values in by_field.items()}
    best = max(raw.values(), default=0.0)
    if best <= 0:
        return {}
    return {slug: round(value / best, 4) for slug, value in raw.items()}


def best_discipline(values: Mapping[str, float]) -> str:
    return max(sorted(values), key=lambda slug: values[slug]) if values else ""


def discipline_factor(affinity: float | None) -> float:
    """The score multiplier for a role whose discipline has this affinity (None: unknown → neutral 1)."""
    if affinity is None:
        return 1.0
    a = min(1.0, max(0.0, affinity))
    return FACTOR_FLOOR + (1 - FACTOR_FLOOR) * a**FACTOR_POWER
