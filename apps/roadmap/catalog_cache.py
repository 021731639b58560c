"""The roadmap catalog as the learner pages read it (the tracks with their hours, each track's topics in
order, which tracks teach which skill), built once per process for each catalog version.

The version is the catalog token that every catalog write changes in its own transaction
(`apps.core.cache.catalog_version`, kept by the dashboard app); reading it is one small query, which
replaces the three catalog statements (and the ~150 topic rows) a roadmap page would otherwise run.
The model instances here are shared by the requests of this process: read them, never change them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from apps.core.cache import VersionedMemo, catalog_version
from apps.roadmap.models import Topic, Track

_memo = VersionedMemo()


@dataclass
class RoadmapCatalog:
    version: Any
    tracks: list[Track] = field(default_factory=list)  # `recommend.tracks_with_hours()`, in order
    topics_by_track: dict[int, list[Topic]] = field(default_factory=dict)  # stage order, then topic order
    tracks_by_skill: dict[int, frozenset[int]] = field(default_factory=dict)  # skill id → tracks teaching it


def roadmap_catalog() -> RoadmapCatalog:
    return _memo.get(catalog_version(), _build)


def _build() -> tuple[RoadmapCatalog, Any]:
    # As the dashboard's maps: the version read before and after the rows; equal, they are that version's.
    built = RoadmapCatalog(version=None)
    for _attempt in range(3):
        before = catalog_version()
        built = _load(before)
        if before is None or catalog_version() == before:
            break
    return built, built.version


def _load(version: Any) -> RoadmapCatalog:
    from apps.roadmap.recommend import tracks_with_hours

    built = RoadmapCatalog(version=version, tracks=list(tracks_with_hours()))
    by_track: dict[int, list[Topic]] = defaultdict(list)
    for topic in (
        Topic.objects.select_related("stage").only("id", "title", "estimated_hours", "order", "stage__track_id",
                                                   "stage__order").order_by("stage__order", "order", "id")
    ):
        by_track[topic.stage.track_id].append(topic)
    built.topics_by_track = dict(by_track)
    by_skill: dict[int, set[int]] = defaultdict(set)
    for skill_id, track_id in Topic.skills.through.objects.values_list("skill_id", "topic__stage__track_id").distinct():
        by_skill[skill_id].add(track_id)
    built.tracks_by_skill = {skill: frozenset(tracks) for skill, tracks in by_skill.items()}
    return built


def forget() -> None:
    """Drop this process's copy (tests that swap the database under a process)."""
    _memo.clear()
