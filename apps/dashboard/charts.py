"""The learner dashboard's charts (activity heatmap, readiness and interview history, hours per week).

One query for all of them: per-day rows from the learner's topic progress, answers, projects and
readiness snapshots, in a UNION ALL, each part read through an index on the learner and bounded by
the heatmap's 26 weeks, whatever the length of their history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import dates, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.accounts.models import User
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import TopicProgress
from apps.roadmap.selectors import DEFAULT_TOPIC_HOURS

GRADED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL)
HEATMAP_DAYS = 182
HISTORY_DAYS = 60
HOURS_WEEKS = 8


@dataclass
class Charts:
    activity: dict[date, int]  # every day of the heatmap → topics finished + answers given + projects updated
    history: list[dict]  # [{date, readiness, interview}] on days with either
    hours: list[dict]  # [{week, hours, plan}] for the last 8 weeks


def charts_for(*, user: User, role_id: int, plan_hours: int, today: date | None = None) -> Charts:
    today = today or timezone.localdate()
    since = today - timedelta(days=HEATMAP_DAYS - 1)
    history_since = today - timedelta(days=HISTORY_DAYS)
    no_value = Value(None, output_field=FloatField())

    def per_day(qs, field: str, kind: str, value):  # type: ignore[no-untyped-def]
        return (qs.filter(**{f"{field}__date__gte": since}).annotate(day=TruncDate(field)).order_by().values("day")
                .annotate(kind=Value(kind), n=Count("id"), value=value).values_list("kind", "day", "n", "value"))

    progress = per_day(TopicProgress.objects.filter(user=user), "completed_at", "progress",
                       Sum(Coalesce("topic__estimated_hours", Value(DEFAULT_TOPIC_HOURS))))
    answers = per_day(Answer.objects.filter(interview__user=user), "created_at", "answers",
                      Avg("score", filter=Q(grading_status__in=GRADED)))
    projects = per_day(PortfolioProject.objects.filter(user=user), "updated_at", "projects", no_value)
    snapshots = (ReadinessSnapshot.objects.filter(user=user, role_id=role_id, date__gte=history_since).order_by()
                 .annotate(kind=Value("snapshot"), day=F("date"), n=Value(0), value=Cast("score", FloatField()))
                 .values_list("kind", "day", "n", "value"))

    activity: Counter[date] = Counter()
    hours: Counter[date] = Counter()
    readiness: dict[date, int] = {}
    interview: dict[date, float] = {}
    for kind, day, n, value in progress.union(answers, projects, snapshots, all=True):
        if kind == "snapshot":
            readiness[day] = round(value)
            continue
        activity[day] += n
        if kind == "progress":
            hours[day - timedelta(days=day.weekday())] += value or 0.0
        elif kind == "answers" and value is not None and day >= history_since:
            interview[day] = value

    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=HOURS_WEEKS - 1)
    return Charts(
        activity={since + timedelta(days=i): activity.get(since + timedelta(days=i), 0) for i in range(HEATMAP_DAYS)},
        history=[{"date": d, "readiness": readiness.get(d), "interview": round(interview[d]) if d in interview else None}
                 for d in sorted(set(readiness) | set(interview))],
        hours=[{"week": first_week + timedelta(weeks=i), "hours": round(hours.get(first_week + timedelta(weeks=i), 0.0), 1),
                "plan": plan_hours} for i in range(HOURS_WEEKS)],
    )


def heatmap_level(count: int) -> int:
    return 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3 if count <= 6 else 4


def heatmap_cells(activity: dict[date, int]) -> SafeString:
    """The heatmap's 182 cells as HTML. Built here, not in the template: through the template language
    (or format_html per cell) they cost more than the rest of the page. Every piece is an int or a
    day or month name escaped once."""
    weekdays = [escape(dates.WEEKDAYS_ABBR[i]) for i in range(7)]
    months = {m: escape(str(dates.MONTHS_3[m]).title()) for m in range(1, 13)}
    return mark_safe("".join(
        f'<span data-level="{heatmap_level(n)}" title="{weekdays[day.weekday()]} {day.day} {months[day.month]}: {n}"></span>'
        for day, n in activity.items()
    ))
