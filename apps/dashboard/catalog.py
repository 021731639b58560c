"""The catalog as readiness reads it: built once per process for each catalog version.

Readiness needs the same catalog facts on every request (which topics teach which skill in which
track, each role's weighted skills, the project templates). They are read here in a fixed number of
queries, kept in a per-process memo (`apps.core.cache.VersionedMemo`) under the token of the
`CatalogVersion` row, and read again only after that token changes. `apps/dashboard/signals.py`
changes it in the same transaction as any catalog write (a catalog load, a role edited by staff,
a topic edited in the admin), so every process sees the new catalog on its next request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Subquery

from apps.careers.models import JobRole, RoleSkill
from apps.core.cache import VersionedMemo
from apps.dashboard.models import CatalogVersion
from apps.roadmap.models import ProjectTemplate, Skill, Topic

_memo = VersionedMemo()


@dataclass(frozen=True)
class RoleInfo:
    id: int
    title: str
    is_posting: bool
    rounds: tuple[str, ...]
    weights: dict[str, int]  # skill slug → weight 1-3, in catalog order
    names: dict[str, str]  # skill slug → name, for the role's skills

    @property
    def pk(self) -> int:
        return self.id

    def as_model(self) -> JobRole:
        """A JobRole carrying this role's id and the fields kept here (no query), for code that takes a
        model instance, e.g. `filter(role=...)`; other fields have their defaults."""
        role = JobRole(id=self.id, title=self.title, is_posting=self.is_posting, interview_rounds=list(self.rounds))
        role._state.adding, role._state.db = False, "default"
        return role


@dataclass(frozen=True)
class TopicInfo:
    id: int
    title: str
    track_id: int
    track_title: str


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    title: str
    skills: tuple[str, ...]


@dataclass
class CatalogMaps:
    version: str
    skill_names: dict[str, str] = field(default_factory=dict)
    # One entry per (skill, track): the topics of that track teaching the skill (coverage is the best track).
    coverage_groups: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    topics_by_skill: dict[str, list[TopicInfo]] = field(default_factory=dict)  # roadmap order
    templates: list[TemplateInfo] = field(default_factory=list)  # ProjectTemplate's order
    roles: dict[int, RoleInfo] = field(default_factory=dict)

    def roles_to_pick(self) -> list[RoleInfo]:
        """The catalog roles a learner can aim for (job postings are reached from their own pages)."""
        return sorted((r for r in self.roles.values() if not r.is_posting), key=lambda r: (r.title, r.id))


# --- the version -------------------------------------------------------------------------------

def current_version() -> str:
    version = CatalogVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    if version is None:  # a fresh or flushed database
        version = CatalogVersion.objects.get_or_create(pk=1)[0].version
    return version


def version_subquery() -> Subquery:
    """The current token, to annotate onto another query (no query of its own)."""
    return Subquery(CatalogVersion.objects.filter(pk=1).values("version")[:1])


def bump() -> None:
    """The catalog changed: a new token, committed with the change (call it inside the writer's transaction)."""
    if not CatalogVersion.objects.filter(pk=1).update(version=CatalogVersion._meta.get_field("version").default()):
        CatalogVersion.objects.get_or_create(pk=1)


# --- the maps ----------------------------------------------------------------------------------

def maps(version: str | None = None) -> CatalogMaps:
    """The maps for `version` (the current one when not given), from this process's memo when it has them."""
    return _memo.get(version or current_version(), _build)


def _build() -> tuple[CatalogMaps, str]:
    # The version is read before and after the maps: equal, nothing was committed in between, so
    # the maps are exactly that version's (a catalog change bumps the version in its own transaction).
    for _attempt in range(3):
        before = current_version()
        built = _load(before)
        if current_version() == before:
            return built, before
    return built, built.version  # the catalog keeps changing: use what was read; the next request reloads


def _load(version: str) -> CatalogMaps:
    built = CatalogMaps(version=version)
    built.skill_names = dict(Skill.objects.order_by().values_list("slug", "name"))

    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    rows = Topic.skills.through.objects.order_by("topic_id", "skill_id").values_list(
        "skill__slug", "topic_id", "topic__stage__track_id"
    )
    for slug, topic_id, track_id in rows:
        groups[(slug, track_id)].append(topic_id)
    built.coverage_groups = [(slug, tuple(ids)) for (slug, _track), ids in groups.items()]

    topics = Topic.objects.filter(skills__isnull=False).distinct().order_by(
        "stage__track__order", "stage__order", "order", "id"
    ).values_list("id", "title", "stage__track_id", "stage__track__title", "stage__track__order", "stage__order", "order")
    topic_info = {tid: TopicInfo(tid, title, track_id, track_title) for tid, title, track_id, track_title, *_ in topics}
    position = {tid: i for i, tid in enumerate(topic_info)}
    by_skill: dict[str, list[TopicInfo]] = defaultdict(list)
    for slug, topic_id, _track_id in rows:
        by_skill[slug].append(topic_info[topic_id])
    built.topics_by_skill = {slug: sorted(infos, key=lambda t: position[t.id]) for slug, infos in by_skill.items()}

    template_skills: dict[int, list[str]] = defaultdict(list)
    for template_id, slug in ProjectTemplate.skills.through.objects.order_by("id").values_list(
        "projecttemplate_id", "skill__slug"
    ):
        template_skills[template_id].append(slug)
    built.templates = [TemplateInfo(tid, title, tuple(template_skills.get(tid, ())))
                       for tid, title in ProjectTemplate.objects.values_list("id", "title")]

    weights: dict[int, dict[str, int]] = defaultdict(dict)
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for role_id, slug, name, weight in RoleSkill.objects.order_by("id").values_list(
        "role_id", "skill__slug", "skill__name", "weight"
    ):
        weights[role_id][slug] = weight
        names[role_id][slug] = name
    built.roles = {
        rid: RoleInfo(rid, title, is_posting, tuple(rounds or ()), weights.get(rid, {}), names.get(rid, {}))
        for rid, title, is_posting, rounds in JobRole.objects.values_list("id", "title", "is_posting", "interview_rounds")
    }
    return built


def forget() -> None:
    """Drop this process's maps (tests that swap the database under a process)."""
    _memo.clear()
