"""The dashboard's activity heatmap: per day, what the learner did (topics finished, answers given,
projects updated), with a label people and screen readers can read ("Mon 7 Dec 2026: 2 topics finished").

One statement whatever the history, and the 182 cells are written here as one piece of markup: through
the template language (a `date` filter and a tag per cell) they were half of the dashboard's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import CharField, Count, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.accounts.models import User
from apps.interviews.models import Answer
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import TopicProgress

KINDS = (("topics", "topic finished", "topics finished"), ("answers", "interview answer", "interview answers"),
         ("projects", "project updated", "projects updated"))
# English names, as Django's 'D' and 'M' date formats give them (the site is English only).
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def heatmap_level(count: int) -> int:
    return 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3 if count <= 6 else 4


def day_name(day: date) -> str:
    """'Mon 7 Dec 2026' (Django's 'D j M Y')."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


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
        return f"{day_name(self.day)}: {self.what}"


def activity_days(*, user: User, days: int = 182, today: date | None = None) -> list[ActivityDay]:
    """Every day of the last `days`, oldest first, with what was done on it (one statement)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    per_kind = []
    for kind, qs, field in (
        ("topics", TopicProgress.objects.filter(user=user, status=TopicProgress.Status.DONE,
                                                completed_at__date__gte=since), "completed_at"),
        ("answers", Answer.objects.filter(interview__user=user, created_at__date__gte=since), "created_at"),
        ("projects", PortfolioProject.objects.filter(user=user, updated_at__date__gte=since), "updated_at"),
    ):
        per_kind.append(qs.annotate(day=TruncDate(field)).values("day")
                        .annotate(n=Count("id"), kind=Value(kind, output_field=CharField())).values("kind", "day", "n"))
    counts: dict[date, ActivityDay] = {}
    for row in per_kind[0].union(*per_kind[1:], all=True):
        entry = counts.setdefault(row["day"], ActivityDay(day=row["day"]))
        setattr(entry, row["kind"], getattr(entry, row["kind"]) + row["n"])
    return [counts.get(d) or ActivityDay(day=d) for d in (since + timedelta(days=i) for i in range(days))]


def heatmap_cells(days: list[ActivityDay]) -> SafeString:
    """The heatmap's cells: each day's date and what was done as a tooltip; days with activity are also
    named to screen readers (quiet days are hidden from them: the summary and the table say it)."""
    cells = []
    for d in days:
        label = escape(d.label)
        if d.count:
            cells.append(f'<span data-level="{d.level}" role="img" aria-label="{label}" title="{label}" '
                         f'data-day="{d.day.isoformat()}"></span>')
        else:
            cells.append(f'<span data-level="0" title="{label}" aria-hidden="true" data-day="{d.day.isoformat()}"></span>')
    return mark_safe("".join(cells))  # every value above is escaped or a number or date


def active_day_rows(days: list[ActivityDay]) -> SafeString:
    """The table's rows, one per active day."""
    return mark_safe("".join(  # numbers and escaped date names only
        f'<tr><th scope="row">{escape(day_name(d.day))}</th><td>{d.topics}</td><td>{d.answers}</td><td>{d.projects}</td></tr>'
        for d in days if d.count))
