"""The dashboard's activity heatmap: per day, what the learner did (topics finished, answers given,
projects updated), with a label people and screen readers can read ("Mon 7 Dec 2026: 2 topics finished").
Three queries whatever the history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateformat import format as format_date

from apps.accounts.models import User
from apps.interviews.models import Answer
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import TopicProgress

KINDS = (("topics", "topic finished", "topics finished"), ("answers", "interview answer", "interview answers"),
         ("projects", "project updated", "projects updated"))


def heatmap_level(count: int) -> int:
    return 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3 if count <= 6 else 4


@dataclass
class ActivityDay:
    day: date
    topics: int = 0
    answers: int = 0
    projects: int = 0

    @property
    def count(self) -> int:
        return self.topics + self.answers + self.projects

    @property
    def level(self) -> int:
        return heatmap_level(self.count)

    @property
    def what(self) -> str:
        """"2 topics finished, 1 interview answer" or "no activity"."""
        parts = []
        for attr, one, many in KINDS:
            n = getattr(self, attr)
            if n:
                parts.append(f"{n} {one if n == 1 else many}")
        return ", ".join(parts) or "no activity"

    @property
    def label(self) -> str:
        return f"{format_date(self.day, 'D j M Y')}: {self.what}"


def activity_days(*, user: User, days: int = 182, today: date | None = None) -> list[ActivityDay]:
    """Every day of the last `days`, oldest first, with what was done on it."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    counts: dict[date, ActivityDay] = defaultdict(lambda: ActivityDay(day=since))
    for attr, qs, field in (
        ("topics", TopicProgress.objects.filter(user=user, status=TopicProgress.Status.DONE,
                                                completed_at__date__gte=since), "completed_at"),
        ("answers", Answer.objects.filter(interview__user=user, created_at__date__gte=since), "created_at"),
        ("projects", PortfolioProject.objects.filter(user=user, updated_at__date__gte=since), "updated_at"),
    ):
        for row in qs.annotate(day=TruncDate(field)).values("day").annotate(n=Count("id")):
            entry = counts[row["day"]]
            entry.day = row["day"]
            setattr(entry, attr, getattr(entry, attr) + row["n"])
    return [counts[d] if d in counts else ActivityDay(day=d) for d in (since + timedelta(days=i) for i in range(days))]
