"""One learner's readiness state (`LearnerState`): computed from their history when it changes.

Four parts, each refreshed by the events that change it (`apps/dashboard/signals.py`):

| part | from | fields |
| --- | --- | --- |
| progress | topic progress, and the catalog | `coverage`, `done_topics`, `catalog_version` |
| enrollments | enrollments | `enrolled_tracks`, `plan_hours` |
| projects | portfolio projects and their skills | `project_evidence` |
| answers | graded interview answers | `round_means`, `answer_count` |

A refresh locks the learner's user row (FOR NO KEY UPDATE, which inserts of their rows do not wait
for) before it reads, so two refreshes for one learner run one after the other and the later one
reads what the earlier one's event committed: no update is lost. Reads (`state_for`) take the state
and the current catalog version in one query; a state computed against an older catalog has its
coverage recomputed there and then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from django.db import transaction

from apps.accounts.models import User
from apps.dashboard import catalog as catalog_maps
from apps.dashboard import scoring
from apps.dashboard.models import LearnerState
from apps.interviews.models import Answer
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import Enrollment, TopicProgress
from apps.roadmap.selectors import STATUS_CREDIT, VERIFIED_CREDIT

PROGRESS, ENROLLMENTS, PROJECTS, ANSWERS = "progress", "enrollments", "projects", "answers"
PARTS = frozenset({PROGRESS, ENROLLMENTS, PROJECTS, ANSWERS})
# No part of readiness changed, but something the dashboard shows did (a review item, a snapshot): the
# refresh only moves `updated_at`, which keys the dashboard's cached parts (apps/dashboard/page.py).
TOUCH = "touch"
GRADED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL)
_FIELDS = {
    PROGRESS: ["coverage", "done_topics", "catalog_version"],
    ENROLLMENTS: ["enrolled_tracks", "plan_hours"],
    PROJECTS: ["project_evidence"],
    ANSWERS: ["round_means", "answer_count"],
    TOUCH: [],
}


def state_for(*, user: User) -> tuple[LearnerState, catalog_maps.CatalogMaps]:
    """The learner's state and the catalog it was computed with (1 query when both are current)."""
    current = (LearnerState.objects.filter(user_id=user.pk)
               .annotate(current_catalog=catalog_maps.version_subquery()).first())
    state: LearnerState | None = current
    if current is None:  # first visit since the state was introduced
        state = refresh(user_id=user.pk)
    elif current.catalog_version != current.current_catalog:  # the catalog changed since coverage was computed
        state = refresh(user_id=user.pk, parts={PROGRESS})
    if state is None:  # refresh found no account: it was deleted meanwhile
        raise User.DoesNotExist(f"User {user.pk} no longer exists.")
    return state, catalog_maps.maps(state.catalog_version)


def refresh(*, user_id: int, parts: Iterable[str] = PARTS) -> LearnerState | None:
    """Recompute `parts` of the learner's state from their rows (all parts if there is no state yet)."""
    parts = set(parts)
    catalog = catalog_maps.maps() if PROGRESS in parts else None
    with transaction.atomic():
        if not list(User.objects.select_for_update(no_key=True).filter(pk=user_id).values_list("pk", flat=True)):
            return None  # the account was deleted meanwhile
        state = LearnerState.objects.filter(user_id=user_id).first()
        if state is None:
            state, parts = LearnerState(user_id=user_id), set(PARTS)
            catalog = catalog or catalog_maps.maps()
        fill([state], parts, catalog)
        if state._state.adding:
            state.save(force_insert=True)
        else:
            state.save(update_fields=[f for part in parts for f in _FIELDS[part]] + ["updated_at"])
    return state


def rebuild_many(user_ids: list[int]) -> int:
    """Build every part for many learners at once (seeding, imports): 4 queries per call, no locking."""
    catalog = catalog_maps.maps()
    states = [LearnerState(user_id=uid) for uid in user_ids]
    fill(states, PARTS, catalog)
    fields = [f for part in PARTS for f in _FIELDS[part]]
    LearnerState.objects.bulk_create(states, update_conflicts=True, unique_fields=["user"], update_fields=fields)
    return len(states)


def fill(states: list[LearnerState], parts: Iterable[str], catalog: catalog_maps.CatalogMaps | None) -> None:
    """Set the fields of `parts` on each state, one query per part for all of them."""
    by_user = {s.user_id: s for s in states}
    ids = list(by_user)
    parts = set(parts)
    if PROGRESS in parts:
        if catalog is None:
            raise ValueError("the progress part needs the catalog maps")
        credits: dict[int, dict[int, float]] = defaultdict(dict)
        done: dict[int, list[int]] = defaultdict(list)
        for uid, topic_id, status, verified_at in TopicProgress.objects.filter(user_id__in=ids).order_by(
            "topic_id"
        ).values_list("user_id", "topic_id", "status", "verified_at"):
            credits[uid][topic_id] = VERIFIED_CREDIT if verified_at is not None else STATUS_CREDIT.get(status, 0.0)
            if status == TopicProgress.Status.DONE:
                done[uid].append(topic_id)
        for uid, state in by_user.items():
            state.coverage = coverage_from(credits.get(uid, {}), catalog)
            state.done_topics = done.get(uid, [])
            state.catalog_version = catalog.version
    if ENROLLMENTS in parts:
        tracks: dict[int, list[int]] = defaultdict(list)
        plan: dict[int, int] = defaultdict(int)
        for uid, track_id, hours in Enrollment.objects.filter(user_id__in=ids).order_by("id").values_list(
            "user_id", "track_id", "hours_per_week"
        ):
            tracks[uid].append(track_id)
            plan[uid] += hours
        for uid, state in by_user.items():
            state.enrolled_tracks = tracks.get(uid, [])
            state.plan_hours = plan.get(uid, 0)
    if PROJECTS in parts:
        evidence: dict[int, dict[str, float]] = defaultdict(dict)
        for uid, slug, status in PortfolioProject.skills.through.objects.filter(
            portfolioproject__user_id__in=ids
        ).values_list("portfolioproject__user_id", "skill__slug", "portfolioproject__status"):
            value = (scoring.DONE_PROJECT_EVIDENCE if status == PortfolioProject.Status.DONE
                     else scoring.UNFINISHED_PROJECT_EVIDENCE)
            evidence[uid][slug] = max(evidence[uid].get(slug, 0.0), value)
        for uid, state in by_user.items():
            state.project_evidence = dict(sorted(evidence.get(uid, {}).items()))
    if ANSWERS in parts:
        answers: dict[int, list[scoring.AnswerScore]] = defaultdict(list)
        for uid, rnd, score, at in Answer.objects.filter(
            interview__user_id__in=ids, grading_status__in=GRADED, score__isnull=False
        ).values_list("interview__user_id", "question_version__question__round", "score", "created_at"):
            # `score__isnull=False` above: never None here, though the column is nullable.
            answers[uid].append(scoring.AnswerScore(round=rnd, score=cast(int, score), at=at))
        for uid, state in by_user.items():
            state.round_means = scoring.round_means(answers.get(uid, ()))
            state.answer_count = len(answers.get(uid, ()))


def coverage_from(credits: dict[int, float], catalog: catalog_maps.CatalogMaps) -> dict[str, float]:
    """Each skill's best share, in any one track, of its topics covered (skills above 0 only).

    The same rule as `apps.roadmap.selectors.skill_coverage_for`, on the cached catalog.
    """
    coverage: dict[str, float] = {}
    if not credits:
        return coverage
    for slug, topic_ids in catalog.coverage_groups:
        share = sum(credits.get(t, 0.0) for t in topic_ids) / len(topic_ids)
        if share > coverage.get(slug, 0.0):
            coverage[slug] = share
    return coverage
