"""The roadmap catalog as the learner pages read it (the tracks with their hours, each track's topics in
order, which tracks teach which skill), built once per process for each catalog version.

The version is the catalog token that every catalog write changes in its own transaction
(`apps.core.cache.catalog_version`, kept by the dashboard app); reading it is one small query, which
replaces the three catalog statements (and the ~150 topic rows) a roadmap page would otherwise run.
The model instances here are shared by the requests of this process: read them, never change them.
"""

from __future__ import annotations

import threading
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
    track_of_topic: dict[int, int] = field(default_factory=dict)  # topic id → its track's id
    # Roles read on demand (a catalog may hold many): role id → (the role, skill id → (name, weight)).
    _roles: dict[int, tuple[Any, dict[int, tuple[str, int]]]] = field(default_factory=dict, repr=False)
    _roles_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def role_with_skills(self, user: Any) -> tuple[Any, dict[int, tuple[str, int]]] | None:
        """The learner's target role and its weighted skills, read once per process for this catalog
        version (roles and their skills are catalog rows: changing one bumps the version). None: no role.

        The role model is reached through the user's `target_role` field: careers sits above roadmap
        in the layers (docs/architecture.md), so this module does not import it."""
        role_id = user.target_role_id
        if not role_id:
            return None
        with self._roles_lock:
            if role_id in self._roles:
                return self._roles[role_id]
        role_model = user._meta.get_field("target_role").related_model
        role = role_model.objects.filter(pk=role_id).defer("embedding", "match_vector").first()
        if role is None:
            return None
        skills = {sid: (name, weight) for sid, name, weight in
                  role.role_skills.values_list("skill_id", "skill__name", "weight")}
        with self._roles_lock:
            self._roles[role_id] = (role, skills)
        return role, skills


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
    built.track_of_topic = {topic.id: track_id for track_id, topics in by_track.items() for topic in topics}
    by_skill: dict[int, set[int]] = defaultdict(set)
    for skill_id, track_id in Topic.skills.through.objects.values_list("skill_id", "topic__stage__track_id").distinct():
        by_skill[skill_id].add(track_id)
    built.tracks_by_skill = {skill: frozenset(tracks) for skill, tracks in by_skill.items()}
    return built


def forget() -> None:
    """Drop this process's copy (tests that swap the database under a process)."""
    _memo.clear()
