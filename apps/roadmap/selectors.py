"""Reads for roadmap pages and the progress API: a bounded number of queries whatever the track size."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from apps.roadmap import week_plan
from apps.roadmap.models import Resource, Skill, Stage, Topic, TopicProgress, Track
from ml.skill_text import SkillMatcher

if TYPE_CHECKING:
    from apps.accounts.models import User

# How much a topic's status counts towards skill coverage; a topic check ("verified") counts fully,
# self-reported "done" a little less, work in progress a little.
# Keyed by str so that a status read as a plain string (values_list) looks it up too.
STATUS_CREDIT: dict[str, float] = {
    TopicProgress.Status.NOT_STARTED: 0.0, TopicProgress.Status.IN_PROGRESS: 0.3, TopicProgress.Status.DONE: 0.85,
}
VERIFIED_CREDIT = 1.0
DEFAULT_TOPIC_HOURS = week_plan.DEFAULT_TOPIC_HOURS


def track_list() -> QuerySet[Track]:
    return Track.objects.annotate(
        stage_count=Count("stages", distinct=True), topic_count=Count("stages__topics", distinct=True)
    ).order_by("order", "title")


def track_detail(*, slug: str) -> Track:
    """The whole tree in 5 queries: track, stages, topics, topic skills, resources."""
    topics = Topic.objects.order_by("order").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.only("id", "slug", "name")),
        Prefetch("resources", queryset=Resource.objects.order_by("order")),
    )
    return Track.objects.prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("order").prefetch_related(Prefetch("topics", queryset=topics)))
    ).get(slug=slug)


def progress_by_topic(*, user: User, topic_ids: list[int] | None = None) -> dict[int, TopicProgress]:
    rows = TopicProgress.objects.filter(user=user)
    if topic_ids is not None:
        rows = rows.filter(topic_id__in=topic_ids)
    return {row.topic_id: row for row in rows}


def topic_credit(progress: TopicProgress | None) -> float:
    if progress is None:
        return 0.0
    if progress.verified_at is not None:
        return VERIFIED_CREDIT
    return STATUS_CREDIT.get(TopicProgress.Status(progress.status), 0.0)


@dataclass
class TrackProgress:
    slug: str
    title: str
    done: int
    in_progress: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def track_progress_for(
    *, user: User, tracks: list[Track] | None = None, progress_rows: list[tuple[int, str, object]] | None = None,
    track_of_topic: dict[int, int] | None = None,
) -> list[TrackProgress]:
    """Done / in progress / total topics per track, for every track (2 queries; 1 when given the tracks
    annotated with `topic_count`, as `track_list` and `recommend.tracks_with_hours` annotate them; none
    when also given `week_plan.progress_rows_for` rows and the catalog's topic → track map)."""
    per_track: dict[int, TrackProgress] = {}
    for track in tracks if tracks is not None else track_list():
        per_track[track.id] = TrackProgress(track.slug, track.title, 0, 0, track.topic_count)  # type: ignore[attr-defined]  # annotated in track_list
    if progress_rows is not None and track_of_topic is not None:
        statuses = [(track_of_topic.get(topic_id), status) for topic_id, status, _verified in progress_rows]
    else:
        statuses = list(TopicProgress.objects.filter(
            user=user, status__in=[TopicProgress.Status.DONE, TopicProgress.Status.IN_PROGRESS]
        ).values_list("topic__stage__track_id", "status"))
    for track_id, status in statuses:
        if track_id not in per_track:
            continue
        if status == TopicProgress.Status.DONE:
            per_track[track_id].done += 1
        elif status == TopicProgress.Status.IN_PROGRESS:
            per_track[track_id].in_progress += 1
    return list(per_track.values())


def skill_coverage_for(*, user: User) -> dict[str, float]:
    """Coverage 0-1 of every skill: the best share of that skill's topics covered in any one track.

    Topics that mean the same thing in different tracks share a skill, so finishing the RAG topics of
    one track covers RAG everywhere.
    """
    progress = progress_by_topic(user=user)
    totals: dict[tuple[str, int], list[float]] = defaultdict(list)
    rows = Topic.skills.through.objects.values_list("skill__slug", "topic_id", "topic__stage__track_id")
    for slug, topic_id, track_id in rows:
        totals[(slug, track_id)].append(topic_credit(progress.get(topic_id)))
    coverage: dict[str, float] = {slug: 0.0 for slug in Skill.objects.values_list("slug", flat=True)}
    for (slug, _track), credits in totals.items():
        coverage[slug] = max(coverage[slug], sum(credits) / len(credits))
    return coverage


@dataclass
class Schedule:
    track: Track
    hours_per_week: int
    total_hours: float
    done_hours: float
    started_on: date
    projected_finish: date
    expected_percent: int  # the share of the track the plan expects done by the end of this week
    actual_percent: int
    status: str  # "ahead" | "on track" | "behind" | "done"
    next_topics: list[Topic] = field(default_factory=list)

    @property
    def weeks_left(self) -> int:
        return math.ceil(max(0.0, self.total_hours - self.done_hours) / self.hours_per_week) if self.hours_per_week else 0


def schedules_for(
    *, user: User, today: date | None = None, track_ids: list[int] | None = None,
    plans: list[week_plan.TrackPlan] | None = None,
) -> list[Schedule]:
    """Per followed track: projected finish at the learner's pace and whether they are ahead or behind (3 queries).

    Hours are the topics' estimates (`week_plan.topic_hours`); the status is the week plan's: behind when
    less is done than was due before this week, ahead when more is done than is due by its end.
    """
    today = today or timezone.localdate()
    monday = week_plan.week_start(today)
    schedules = []
    if plans is None:
        plans = week_plan.track_plans_for(user=user, track_ids=track_ids)
    for plan in plans:
        enrollment = plan.enrollment
        total, done = plan.total_hours or 1.0, plan.done_hours
        remaining_weeks = (total - done) / enrollment.hours_per_week
        planned_before = week_plan.planned_hours_by(
            started_on=enrollment.started_on, hours_per_week=enrollment.hours_per_week, day=monday - timedelta(days=1))
        planned_by_end = week_plan.planned_hours_by(
            started_on=enrollment.started_on, hours_per_week=enrollment.hours_per_week, day=monday + timedelta(days=6))
        pending = [t for t, _ in plan.topics if t.id not in plan.done_ids]
        pending.sort(key=lambda t: 0 if t.id in plan.in_progress_ids else 1)
        schedules.append(Schedule(
            track=plan.track, hours_per_week=enrollment.hours_per_week, total_hours=round(total, 1),
            done_hours=round(done, 1), started_on=enrollment.started_on,
            projected_finish=today + timedelta(days=math.ceil(remaining_weeks * 7)),
            expected_percent=round(100 * min(1.0, planned_by_end / total)), actual_percent=round(100 * done / total),
            status=week_plan.pace_status(done=done, total=total, planned_before=planned_before, planned_by_end=planned_by_end),
            next_topics=pending[:3],
        ))
    return schedules


is_done = week_plan.is_done


def stage_progress(stage: Stage, progress: dict[int, TopicProgress]) -> tuple[int, int]:
    """(done, total) for a stage whose topics are prefetched."""
    topics = list(stage.topics.all())
    return sum(1 for t in topics if is_done(progress.get(t.id))), len(topics)


_MATCHERS: dict[str, SkillMatcher] = {}


def skill_matcher() -> SkillMatcher:
    """The taxonomy matcher over every skill's name and synonyms, built once per taxonomy version in
    this process (one cheap query says whether the skills changed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(coalesce(string_agg(slug || name || synonyms::text, '|' ORDER BY id), '')) "  # noqa: S608
                       f"FROM {Skill._meta.db_table}")
        row = cursor.fetchone()
    version = str(row[0]) if row else ""
    matcher = _MATCHERS.get(version)
    if matcher is None:
        matcher = SkillMatcher(Skill.objects.order_by("id").values("slug", "name", "synonyms"))
        _MATCHERS.clear()
        _MATCHERS[version] = matcher
    return matcher
