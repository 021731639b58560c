"""The role picker: every role a learner can aim for, with what they need to choose one.

Each card has the role's summary, its salary range as people write it ("$120K–$300K a year, US"), its
interview rounds by name and, when the learner has a processed resume, how well the resume fits it. The
fit is `ml.matching.score_role` (the score the resume page shows), computed for every role from one query
that reads the roles with their cosine similarity to the resume: no vector search per role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch

from apps.accounts.models import User
from apps.careers.labels import round_label, salary_range
from apps.careers.models import JobRole, RoleSkill
from apps.resumes.models import Resume, ResumeRoleScore

SUMMARY_CHARS = 220


def salary_label(*, low: int | None, high: int | None, currency: str, period: str = "year", region: str = "") -> str:
    """"$120K–$300K a year (US)"; "" when the role gives no salary."""
    return salary_range(low=low, high=high, currency=currency, period=period, region=region, compact=True)


def round_labels(rounds: list[str]) -> list[str]:
    return [round_label(r) for r in rounds or []]


def summary_of(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The description's first sentences, up to about `limit` characters."""
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+", text)
    summary = sentences[0]
    for sentence in sentences[1:]:
        if len(summary) + 1 + len(sentence) > limit:
            break
        summary += " " + sentence
    if len(summary) > limit + 80:
        summary = summary[:limit].rsplit(" ", 1)[0] + "…"
    return summary


@dataclass
class RoleCard:
    role: JobRole
    summary: str
    salary: str
    rounds: list[str]
    skills: list[str] = field(default_factory=list)  # core skills (heaviest first), for the card
    fit: int | None = None  # 0-100 when the learner has a processed resume
    is_target: bool = False


def latest_resume(*, user: User) -> Resume | None:
    return (
        Resume.objects.filter(user=user, status=Resume.Status.READY, embedding__isnull=False)
        .only("id")
        .order_by("-processed_at", "-id").first()
    )


def role_cards(*, user: User, top_skills: int = 4) -> list[RoleCard]:
    """Every role that is not a single company's posting, by title (3 queries; 4 with a resume)."""
    resume = latest_resume(user=user)
    roles = JobRole.objects.filter(is_posting=False).defer("embedding", "match_vector").prefetch_related(
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill").order_by("-weight", "skill__name"))
    ).order_by("title")
    # The fit is the score stored for each role when the resume was processed (the resume page's own
    # score, refreshed when roles change): one query, no vector search in the request.
    fits: dict[int, int] = {}
    if resume is not None:
        fits = dict(ResumeRoleScore.objects.filter(resume=resume).values_list("role_id", "score"))
    cards = []
    for role in roles:
        role_skills = list(role.role_skills.all())
        fit = fits.get(role.pk) if resume is not None else None
        cards.append(RoleCard(
            role=role, summary=summary_of(role.description),
            salary=salary_label(low=role.salary_min, high=role.salary_max, currency=role.salary_currency,
                                period=role.salary_period, region=role.salary_region),
            rounds=round_labels(role.interview_rounds), skills=[rs.skill.name for rs in role_skills[:top_skills]],
            fit=fit, is_target=role.pk == user.target_role_id,
        ))
    return cards
