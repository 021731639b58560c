"""How long each track takes at the learner's pace, and which tracks teach a target role's skills.

A track's length is its topics' estimated hours (`week_plan.topic_hours`) divided by the learner's hours
per week (the pace of that enrollment when they follow it, else their profile's), so "about 24 weeks"
follows the hours the learner entered.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from apps.roadmap import week_plan
from apps.roadmap.models import Enrollment, Track

if TYPE_CHECKING:
    from apps.accounts.models import User

MAX_RECOMMENDED = 3


def tracks_with_hours() -> QuerySet[Track]:
    """Every track with its stage and topic counts and the sums behind its hours (one query)."""
    return Track.objects.annotate(
        stage_count=Count("stages", distinct=True), topic_count=Count("stages__topics", distinct=True),
        estimated_sum=Sum("stages__topics__estimated_hours"),
        estimated_count=Count("stages__topics", filter=Q(stages__topics__estimated_hours__gt=0)),
    ).order_by("order", "title")


def track_total_hours(track: Track) -> float:
    """Hours of a track from `tracks_with_hours()`: the estimates, and the track's share for the others."""
    # The three counts are `tracks_with_hours()` annotations, which the stubs do not see on a plain Track.
    topic_count: int = track.topic_count  # type: ignore[attr-defined]  # annotated in tracks_with_hours
    estimated_sum = track.estimated_sum  # type: ignore[attr-defined]  # annotated in tracks_with_hours
    estimated_count: int = track.estimated_count  # type: ignore[attr-defined]  # annotated in tracks_with_hours
    share = week_plan.track_topic_share(track, topic_count)
    return float(estimated_sum or 0) + (topic_count - estimated_count) * share


def weeks_at(hours: float, hours_per_week: int) -> int:
    return max(1, math.ceil(hours / hours_per_week)) if hours_per_week else 0


@dataclass
class TrackDuration:
    total_hours: float
    hours_per_week: int
    weeks: int
    following: bool


def durations_for(*, user: User, tracks: list[Track], paces: dict[int, int] | None = None) -> dict[int, TrackDuration]:
    """Per track (annotated by `tracks_with_hours`): its hours and weeks at the learner's pace (one query;
    none when given the learner's paces, track id → hours per week of every enrollment)."""
    if paces is None:
        paces = dict(Enrollment.objects.filter(user=user).values_list("track_id", "hours_per_week"))
    durations = {}
    for track in tracks:
        pace = paces.get(track.id) or user.hours_per_week or track.suggested_hours_per_week
        hours = track_total_hours(track)
        durations[track.id] = TrackDuration(round(hours), pace, weeks_at(hours, pace), track.id in paces)
    return durations


@dataclass
class TrackRecommendation:
    track: Track
    duration: TrackDuration
    coverage: int  # % of the role's skill weight the track teaches
    covered: list[str] = field(default_factory=list)  # skill names, heaviest first
    missing: list[str] = field(default_factory=list)


def recommended_tracks(
    *, role_skills: dict[int, tuple[str, int]], tracks: list[Track], durations: dict[int, TrackDuration],
    limit: int = MAX_RECOMMENDED, tracks_by_skill: dict[int, frozenset[int]] | None = None,
) -> list[TrackRecommendation]:
    """The tracks that teach most of the role's weighted skills (role_skills: skill id → (name, weight)),
    best first; ties go to the shorter track. Tracks teaching none of them are left out (no query: the
    per-process catalog copy)."""
    total = sum(weight for _, weight in role_skills.values())
    if not total:
        return []
    from apps.roadmap.catalog_cache import roadmap_catalog

    taught: dict[int, set[int]] = defaultdict(set)
    if tracks_by_skill is None:
        tracks_by_skill = roadmap_catalog().tracks_by_skill
    for skill_id in role_skills:
        for track_id in tracks_by_skill.get(skill_id, ()):
            taught[track_id].add(skill_id)
    by_weight = sorted(role_skills, key=lambda s: (-role_skills[s][1], role_skills[s][0]))
    ranked = []
    for track in tracks:
        skills = taught.get(track.id, set())
        if not skills:
            continue
        weight = sum(role_skills[s][1] for s in skills)
        ranked.append(TrackRecommendation(
            track=track, duration=durations[track.id], coverage=round(100 * weight / total),
            covered=[role_skills[s][0] for s in by_weight if s in skills],
            missing=[role_skills[s][0] for s in by_weight if s not in skills],
        ))
    ranked.sort(key=lambda r: (-r.coverage, r.duration.total_hours, r.track.order))
    return ranked[:limit]

