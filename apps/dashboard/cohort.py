"""The staff cohort dashboard's figures over a chosen period: activity and interviews per week (per month
for all time), and the readiness distribution per target role.

Every figure is one aggregate query, so the page costs the same whatever the size of the cohort.
Learners are the accounts that are not staff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from apps.accounts.models import User
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Interview
from apps.roadmap.models import TopicProgress

PERIODS: dict[str, tuple[str, int | None]] = {  # value -> (label, days; None = all time)
    "7": ("Last 7 days", 7),
    "30": ("Last 30 days", 30),
    "90": ("Last 90 days", 90),
    "all": ("All time", None),
}
DEFAULT_PERIOD = "30"
READINESS_BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


@dataclass(frozen=True)
class Period:
    value: str
    label: str
    since: datetime | None  # None: all time
    bucket: str  # "week" | "month"

    @property
    def bucket_label(self) -> str:
        return "month" if self.bucket == "month" else "week"


def period_from(value: str | None, *, now: datetime | None = None) -> Period:
    """The period a `?period=` value names; an unknown value falls back to the default."""
    value = value if value in PERIODS else DEFAULT_PERIOD
    label, days = PERIODS[value]
    now = now or timezone.now()
    since = None if days is None else now - timedelta(days=days)
    return Period(value=value, label=label, since=since, bucket="month" if days is None else "week")


def _bucket_start(moment: datetime | date, bucket: str) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    if bucket == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _buckets(period: Period, first: date | None, *, today: date) -> list[date]:
    """Every bucket from the period's start (or the first activity, for all time) to today, empty ones included."""
    start = period.since.date() if period.since else first
    if start is None:
        return []
    current, last, buckets = _bucket_start(start, period.bucket), _bucket_start(today, period.bucket), []
    while current <= last:
        buckets.append(current)
        if period.bucket == "month":
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            current += timedelta(days=7)
    return buckets


def active_learners(period: Period) -> tuple[dict[date, int], int]:
    """Learners who marked a topic or answered a question: per week (or month), each counted once per
    bucket, and in the whole period (the grouping set `()` gives the total in the same query)."""
    since = period.since or datetime(1970, 1, 1, tzinfo=timezone.get_fixed_timezone(0))
    progress, answer, interview, user = (TopicProgress._meta.db_table, Answer._meta.db_table,
                                         Interview._meta.db_table, User._meta.db_table)
    sql = f"""
        SELECT activity.bucket, count(DISTINCT activity.user_id)
        FROM (
            SELECT p.user_id, date_trunc(%s, p.updated_at AT TIME ZONE 'UTC')::date AS bucket
            FROM {progress} p WHERE p.updated_at >= %s
            UNION ALL
            SELECT i.user_id, date_trunc(%s, a.created_at AT TIME ZONE 'UTC')::date
            FROM {answer} a JOIN {interview} i ON i.id = a.interview_id WHERE a.created_at >= %s
        ) activity JOIN {user} u ON u.id = activity.user_id AND NOT u.is_staff
        GROUP BY GROUPING SETS ((activity.bucket), ())
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.bucket, since, period.bucket, since])
        rows = cursor.fetchall()
    by_bucket = {bucket: n for bucket, n in rows if bucket is not None}
    total = next((n for bucket, n in rows if bucket is None), 0)
    return by_bucket, total


def interviews_by_bucket(period: Period) -> dict[date, dict]:
    """Interviews learners started per week (or month), with the mean score of the finished ones."""
    trunc = TruncMonth if period.bucket == "month" else TruncWeek
    interviews = Interview.objects.filter(user__is_staff=False)
    if period.since:
        interviews = interviews.filter(started_at__gte=period.since)
    rows = (interviews.annotate(bucket=trunc("started_at")).values("bucket")
            .annotate(n=Count("id"), mean=Avg("score")).order_by("bucket"))
    return {_bucket_start(r["bucket"], period.bucket): {"n": r["n"], "mean": r["mean"]} for r in rows}


def readiness_by_role(period: Period) -> list[dict]:
    """For each target role: how many learners' latest readiness (in the period) falls in each band."""
    snapshots = ReadinessSnapshot.objects.filter(user__is_staff=False)
    if period.since:
        snapshots = snapshots.filter(date__gte=period.since.date())
    latest = snapshots.filter(user=OuterRef("user"), role=OuterRef("role")).order_by("-date").values("date")[:1]
    bands = {f"b{low}": Count("id", filter=Q(score__gte=low, score__lte=high)) for low, high in READINESS_BANDS}
    rows = (snapshots.filter(date=Subquery(latest)).values("role__title")
            .annotate(learners=Count("id"), mean=Avg("score"), **bands).order_by("-learners", "role__title"))
    return [
        {"role": r["role__title"], "learners": r["learners"], "mean": round(r["mean"]), "bands": _band_counts(r)}
        for r in rows
    ]


def _band_counts(row: Mapping[str, Any]) -> list[int]:
    """A `readiness_by_role` row's learner count per band (its `b<low>` keys, which the stubs cannot see)."""
    return [row[f"b{low}"] for low, _ in READINESS_BANDS]


def cohort_period(*, period: Period, today: date | None = None) -> dict:
    """Everything the cohort page draws for `period`: totals, weekly (monthly) series and readiness per role."""
    today = today or timezone.localdate()
    active, active_total = active_learners(period)
    interviews = interviews_by_bucket(period)
    first = min([*active, *interviews], default=None)
    buckets = _buckets(period, first, today=today)
    totals = Interview.objects.filter(user__is_staff=False)
    if period.since:
        totals = totals.filter(started_at__gte=period.since)
    totals_row = totals.aggregate(n=Count("id"), mean=Avg("score"),
                                  learners=Count("user", distinct=True))
    labels = [b.strftime("%b %Y") if period.bucket == "month" else b.strftime("%d %b") for b in buckets]
    active_counts = [active.get(b, 0) for b in buckets]
    interview_counts = [interviews.get(b, {}).get("n", 0) for b in buckets]
    mean_scores = [round(m) if (m := interviews.get(b, {}).get("mean")) is not None else None for b in buckets]
    series = {"labels": labels, "active": active_counts, "interviews": interview_counts, "mean_score": mean_scores}
    rows = [{"label": label, "active": a, "interviews": n, "mean_score": m} for label, a, n, m in zip(
        labels, active_counts, interview_counts, mean_scores, strict=True)]
    roles = readiness_by_role(period)
    return {
        "period": period,
        "active_learners": active_total,
        "interviews": totals_row["n"],
        "interviewing_learners": totals_row["learners"],
        "mean_score": round(totals_row["mean"]) if totals_row["mean"] is not None else None,
        "series": series,
        "rows": rows,
        "readiness": roles,
        "readiness_chart": {
            "labels": [r["role"] for r in roles],
            "bands": [f"{low}–{high}" for low, high in READINESS_BANDS],
            "counts": [[r["bands"][i] for r in roles] for i in range(len(READINESS_BANDS))],
        },
    }
