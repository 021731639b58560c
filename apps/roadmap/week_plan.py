"""The learner's week: which topics of the followed tracks are due this week, their hours, and whether the
learner is behind or ahead; and the hours studied per week.

Hours are always the topics' estimates (`topic_hours`), never clicks: a topic counts once, in the week it
was marked done, and unmarking it removes its hours. A track's plan starts the day the learner started
following it and runs at that enrollment's hours per week, the topics in their order in the track.
Bounded queries whatever the number of topics or weeks: enrollments, topics, progress.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from apps.roadmap.catalog_cache import RoadmapCatalog, roadmap_catalog
from apps.roadmap.models import Enrollment, Topic, TopicProgress, Track

if TYPE_CHECKING:
    from apps.accounts.models import User

DEFAULT_TOPIC_HOURS = 6.0  # a topic in a track with no planned hours and no estimate
# Within this many hours of the plan counts as on track (a plan is an estimate, not a stopwatch).
TOLERANCE_HOURS = 0.5
MAX_TOPICS_SHOWN = 8  # per track; the rest are counted ("and 3 more")


def track_topic_share(track: Track, topic_count: int) -> float:
    """Hours of a topic with no estimate: the track's planned hours shared out over its topics."""
    planned = (track.duration_weeks or 0) * (track.suggested_hours_per_week or 0)
    return planned / topic_count if topic_count and planned else DEFAULT_TOPIC_HOURS


def topic_hours(topic: Topic, share: float) -> float:
    return float(topic.estimated_hours) if topic.estimated_hours else share


def is_done(progress: TopicProgress | None) -> bool:
    return progress is not None and (progress.status == TopicProgress.Status.DONE or progress.verified_at is not None)


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def planned_hours_by(*, started_on: date, hours_per_week: int, day: date) -> float:
    """Hours the plan expects done by the end of `day`: the pace, pro rata from the start day (0 before it)."""
    days = (day - started_on).days + 1
    return max(0, days) * hours_per_week / 7


@dataclass
class PlannedTopic:
    topic: Topic
    hours: float
    done: bool
    late: bool  # due before this week and not done yet


@dataclass
class TrackPlan:
    """One followed track: its topics in order with their hours, and the learner's progress."""

    enrollment: Enrollment
    topics: list[tuple[Topic, float]]  # in track order, with hours
    done_ids: set[int]
    in_progress_ids: set[int]

    @property
    def track(self) -> Track:
        return self.enrollment.track

    @property
    def total_hours(self) -> float:
        return sum(h for _, h in self.topics)

    @property
    def done_hours(self) -> float:
        return sum(h for t, h in self.topics if t.id in self.done_ids)


def progress_rows_for(*, user: User) -> list[tuple[int, str, object]]:
    """The learner's progress rows that count for anything (started, done or verified), every track:
    (topic id, status, verified_at). One query, for pages that need them more than once."""
    return list(TopicProgress.objects.filter(user=user).exclude(
        status=TopicProgress.Status.NOT_STARTED, verified_at__isnull=True).values_list("topic_id", "status", "verified_at"))


def track_plans_for(
    *, user: User, track_ids: list[int] | None = None, catalog: RoadmapCatalog | None = None,
    progress_rows: list[tuple[int, str, object]] | None = None,
) -> list[TrackPlan]:
    """The followed tracks (oldest enrollment first) with their topics (from the per-process catalog copy)
    and the learner's progress (2 queries, and the catalog version; 1 query when the caller passes the
    catalog it read and the learner's `progress_rows_for` rows)."""
    followed = Enrollment.objects.filter(user=user).select_related("track").order_by("created_at")
    if track_ids is not None:
        followed = followed.filter(track_id__in=track_ids)
    enrollments = list(followed)
    if not enrollments:
        return []
    catalog = catalog or roadmap_catalog()  # per process, per catalog version
    by_track = catalog.topics_by_track
    if progress_rows is None:
        progress_rows = list(TopicProgress.objects.filter(
            user=user, topic__stage__track__in=[e.track_id for e in enrollments]
        ).exclude(status=TopicProgress.Status.NOT_STARTED, verified_at__isnull=True).values_list(
            "topic_id", "status", "verified_at"))
    else:
        followed_ids = {e.track_id for e in enrollments}
        progress_rows = [row for row in progress_rows if catalog.track_of_topic.get(row[0]) in followed_ids]
    done_ids, in_progress_ids = set(), set()
    for topic_id, status, verified_at in progress_rows:
        if status == TopicProgress.Status.DONE or verified_at is not None:
            done_ids.add(topic_id)
        else:
            in_progress_ids.add(topic_id)
    plans = []
    for enrollment in enrollments:
        topics = by_track.get(enrollment.track_id, [])
        share = track_topic_share(enrollment.track, len(topics))
        plans.append(TrackPlan(enrollment, [(t, topic_hours(t, share)) for t in topics], done_ids, in_progress_ids))
    return plans


def pace_status(*, done: float, total: float, planned_before: float, planned_by_end: float) -> str:
    """"done" | "behind" (less done than was due before this week) | "ahead" (more than due by its end) | "on track"."""
    if total and done >= total - 1e-6:
        return "done"
    if done < min(planned_before, total) - TOLERANCE_HOURS:
        return "behind"
    if done > min(planned_by_end, total) + TOLERANCE_HOURS:
        return "ahead"
    return "on track"


@dataclass
class TrackWeek:
    track: Track
    hours_per_week: int
    week_number: int  # week n of this track's plan (1 = the week the learner started)
    topics: list[PlannedTopic]  # late topics first, then this week's, in track order
    more_topics: int  # topics due or late not listed
    due_hours: float  # hours of the topics due this week or late, not done yet
    done_hours: float
    total_hours: float
    planned_before: float  # hours due before this week
    planned_by_end: float  # hours due by the end of this week
    status: str

    @property
    def behind_hours(self) -> float:
        return round(max(0.0, min(self.planned_before, self.total_hours) - self.done_hours), 1)

    @property
    def ahead_hours(self) -> float:
        return round(max(0.0, self.done_hours - min(self.planned_by_end, self.total_hours)), 1)


@dataclass
class WeekPlan:
    start: date  # Monday
    end: date  # Sunday
    today: date
    tracks: list[TrackWeek] = field(default_factory=list)
    studied_hours: float = 0.0  # estimates of the topics marked done this week, in any track

    @property
    def hours_per_week(self) -> int:
        return sum(t.hours_per_week for t in self.tracks)

    @property
    def due_hours(self) -> float:
        return round(sum(t.due_hours for t in self.tracks), 1)


def track_week(plan: TrackPlan, *, today: date) -> TrackWeek:
    enrollment = plan.enrollment
    monday, sunday = week_start(today), week_start(today) + timedelta(days=6)
    pace = enrollment.hours_per_week
    planned_before = planned_hours_by(started_on=enrollment.started_on, hours_per_week=pace, day=monday - timedelta(days=1))
    planned_by_end = planned_hours_by(started_on=enrollment.started_on, hours_per_week=pace, day=sunday)
    late, due = [], []
    cumulative = 0.0
    for topic, hours in plan.topics:
        start, cumulative = cumulative, cumulative + hours
        if start >= planned_by_end:
            break
        done = topic.id in plan.done_ids
        if cumulative <= planned_before + 1e-9:
            if not done:
                late.append(PlannedTopic(topic, round(hours, 1), False, True))
        else:
            due.append(PlannedTopic(topic, round(hours, 1), done, False))
    listed = late + due
    return TrackWeek(
        track=enrollment.track, hours_per_week=pace,
        week_number=max(1, (monday - week_start(enrollment.started_on)).days // 7 + 1),
        topics=listed[:MAX_TOPICS_SHOWN], more_topics=max(0, len(listed) - MAX_TOPICS_SHOWN),
        due_hours=round(sum(p.hours for p in listed if not p.done), 1),
        done_hours=round(plan.done_hours, 1), total_hours=round(plan.total_hours, 1),
        planned_before=round(planned_before, 1), planned_by_end=round(planned_by_end, 1),
        status=pace_status(done=plan.done_hours, total=plan.total_hours, planned_before=planned_before,
                           planned_by_end=planned_by_end),
    )


def week_plan_for(
    *, user: User, today: date | None = None, track_ids: list[int] | None = None, plans: list[TrackPlan] | None = None,
    studied: dict[date, float] | None = None,
) -> WeekPlan:
    """This week's plan over the followed tracks (or only `track_ids`, or the `plans` already read), and
    the hours studied this week (in those tracks when limited to some)."""
    today = today or timezone.localdate()
    monday = week_start(today)
    if plans is None:
        plans = track_plans_for(user=user, track_ids=track_ids)
    plan = WeekPlan(start=monday, end=monday + timedelta(days=6), today=today)
    plan.tracks = [track_week(p, today=today) for p in plans]
    if studied is None:
        studied = studied_hours_by_week(user=user, since=monday, track_ids=track_ids)
    plan.studied_hours = studied.get(monday, 0.0)
    return plan


def studied_hours_by_week(*, user: User, since: date, track_ids: list[int] | None = None) -> dict[date, float]:
    """Estimated hours of the topics marked done, per week (Monday), from the week of `since` on (one query).

    One row per topic and learner, so a topic counts once, in the week it was (last) marked done; a topic
    reopened or reset is no longer done and counts nowhere.
    """
    done = TopicProgress.objects.filter(user=user, status=TopicProgress.Status.DONE, completed_at__isnull=False,
                                        completed_at__date__gte=week_start(since))
    if track_ids is not None:
        done = done.filter(topic__stage__track_id__in=track_ids)
    topics_in_track = (
        Topic.objects.filter(stage__track_id=OuterRef("topic__stage__track_id")).order_by()
        .values("stage__track_id").annotate(n=Count("id")).values("n")
    )
    rows = done.values_list(
        "completed_at", "topic__estimated_hours", "topic__stage__track__duration_weeks",
        "topic__stage__track__suggested_hours_per_week",
    ).annotate(track_topics=Subquery(topics_in_track))
    hours: dict[date, float] = defaultdict(float)
    for completed_at, estimated, weeks, pace, track_topics in rows:
        day = timezone.localtime(completed_at).date()
        share = track_topic_share(Track(duration_weeks=weeks, suggested_hours_per_week=pace), track_topics or 0)
        hours[week_start(day)] += float(estimated) if estimated else share
    return {week: round(h, 1) for week, h in hours.items()}


def study_hours_by_week(*, user: User, weeks: int = 8, today: date | None = None,
                        studied: dict[date, float] | None = None,
                        enrollments: list[tuple[date, int]] | None = None) -> list[dict]:
    """The dashboard's "hours studied against your plan": per week, the estimated hours of the topics
    finished and the planned hours. The plan is None (not drawn) for weeks before the account existed and
    before the learner followed any track; a track adds its pace from the week it was started (pro rata
    for that first week)."""
    today = today or timezone.localdate()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    if studied is None:
        studied = studied_hours_by_week(user=user, since=first)
    if enrollments is None:
        enrollments = list(Enrollment.objects.filter(user=user).values_list("started_on", "hours_per_week"))
    joined = week_start(timezone.localtime(user.date_joined).date())
    rows = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        sunday = monday + timedelta(days=6)
        plan: float | None = None
        if sunday >= joined:
            if enrollments:
                planned = sum(
                    planned_hours_by(started_on=started, hours_per_week=pace, day=sunday)
                    - planned_hours_by(started_on=started, hours_per_week=pace, day=monday - timedelta(days=1))
                    for started, pace in enrollments if started <= sunday
                )
                plan = round(planned, 1) if any(started <= sunday for started, _ in enrollments) else None
            else:
                plan = float(user.hours_per_week or 0) or None
        rows.append({"week": monday, "hours": studied.get(monday, 0.0), "plan": plan})
    return rows



def dashboard_weeks(*, user: User, weeks: int = 8, today: date | None = None) -> tuple[WeekPlan, list[dict]]:
    """This week's plan over every followed track and the hours studied against the plan for the last
    `weeks` weeks, from one read of the plans and one of the hours studied (the dashboard shows both)."""
    today = today or timezone.localdate()
    plans = track_plans_for(user=user)
    studied = studied_hours_by_week(user=user, since=week_start(today) - timedelta(weeks=weeks - 1))
    enrollments = [(p.enrollment.started_on, p.enrollment.hours_per_week) for p in plans]
    return (week_plan_for(user=user, today=today, plans=plans, studied=studied),
            study_hours_by_week(user=user, weeks=weeks, today=today, studied=studied, enrollments=enrollments))
