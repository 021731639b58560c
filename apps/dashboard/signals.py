"""Keeps readiness current as things happen: receivers on the other apps' models.

Learner events (topic progress, enrollments, portfolio projects and their skills, interview
answers) queue the part of the learner's state they change; right after the transaction commits,
each queued learner's parts are recomputed once (`learner_state.refresh`). Catalog changes (a
catalog load, a role or topic edited) give the catalog a new version token inside their own
transaction, so every process rebuilds its catalog maps on its next request.

A resume needs nothing here: its fit is read from the resume on each request (`resume_fit_for`).
Review items and readiness snapshots change no readiness part but are shown on the dashboard: they
only move the state's `updated_at`, which keys the dashboard's cached parts (`apps/dashboard/page.py`).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.careers.models import JobRole, RoleSkill
from apps.dashboard import catalog, learner_state
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Interview, ReviewItem
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import Enrollment, ProjectTemplate, Skill, Stage, Topic, TopicProgress, Track
from apps.roadmap.signals import catalog_loaded

logger = logging.getLogger(__name__)
_local = threading.local()

# Saves that touch only these fields change nothing readiness reads.
IGNORED_FIELDS = {
    JobRole: {"embedding", "embedded_text_hash", "match_vector"},
    Skill: {"vector_slot", "synonyms"},
    Answer: {"attempts", "grading_started_at", "refine_attempts", "error_kind", "error_message", "feedback",
             "rubric_grade"},
}


def _pending() -> dict[tuple[str, int], set[str]]:
    if not hasattr(_local, "pending"):
        _local.pending = defaultdict(set)
    return _local.pending


def _queue(kind: str, key: int | None, part: str) -> None:
    if key is None:
        return
    _pending()[(kind, key)].add(part)
    transaction.on_commit(_flush, robust=True)  # runs at once outside a transaction


def _flush() -> None:
    pending = _pending()
    if not pending:
        return
    batch = dict(pending)
    pending.clear()
    by_user: dict[int, set[str]] = defaultdict(set)
    interview_ids = [key for kind, key in batch if kind == "interview"]
    users_of = dict(Interview.objects.filter(pk__in=interview_ids).values_list("pk", "user_id")) if interview_ids else {}
    for (kind, key), parts in batch.items():
        user_id = key if kind == "user" else users_of.get(key)
        if user_id is not None:  # an interview deleted since: its own receiver queued the learner
            by_user[user_id] |= parts
    for user_id, parts in by_user.items():
        try:
            learner_state.refresh(user_id=user_id, parts=parts)
        except Exception:
            logger.exception("readiness state refresh failed", extra={"user_id": user_id, "parts": sorted(parts)})


def _ignored(sender: type[Model], update_fields: frozenset[str] | None) -> bool:
    return update_fields is not None and set(update_fields) <= IGNORED_FIELDS.get(sender, set())


# --- learner events ------------------------------------------------------------------------------

def on_progress(sender: type, instance: TopicProgress, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        _queue("user", instance.user_id, learner_state.PROGRESS)


def on_enrollment(sender: type, instance: Enrollment, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        _queue("user", instance.user_id, learner_state.ENROLLMENTS)


def on_project(sender: type, instance: PortfolioProject, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        _queue("user", instance.user_id, learner_state.PROJECTS)


def on_project_skills(sender: type, instance: object, action: str, reverse: bool, pk_set: set[int] | None,
                      **kwargs: object) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        _queue("user", instance.user_id, learner_state.PROJECTS)  # type: ignore[attr-defined]
    elif pk_set:  # skill.portfolio_projects.add(...): the projects' learners
        for user_id in set(PortfolioProject.objects.filter(pk__in=pk_set).values_list("user_id", flat=True)):
            _queue("user", user_id, learner_state.PROJECTS)


# An answer counts once it has a grade; a failed grade is final (a re-grade that fails drops the old score).
ANSWER_SETTLED = {Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL, Answer.GradingStatus.FAILED}


def on_answer(sender: type, instance: Answer, raw: bool = False, update_fields: frozenset[str] | None = None,
              **kwargs: object) -> None:
    """A grade stored (or an answer deleted). Submitting or claiming an answer for grading changes
    no score, so it queues nothing."""
    if raw or _ignored(Answer, update_fields):
        return
    if kwargs.get("signal") is post_save and instance.grading_status not in ANSWER_SETTLED:
        return
    _queue("interview", instance.interview_id, learner_state.ANSWERS)


def on_interview_deleted(sender: type, instance: Interview, **kwargs: object) -> None:
    _queue("user", instance.user_id, learner_state.ANSWERS)


def on_dashboard_row(sender: type, instance: ReviewItem | ReadinessSnapshot, raw: bool = False,
                     **kwargs: object) -> None:
    """A review item or a readiness snapshot saved or deleted: nothing readiness reads, but the
    dashboard shows them (the reviews due, the history), so its cached parts must be rebuilt."""
    if not raw:
        _queue("user", instance.user_id, learner_state.TOUCH)


# --- catalog events ------------------------------------------------------------------------------

def on_catalog_change(sender: type[Model], raw: bool = False, update_fields: frozenset[str] | None = None,
                      **kwargs: object) -> None:
    if not raw and not _ignored(sender, update_fields):
        catalog.bump()


def on_catalog_m2m(sender: type, action: str, **kwargs: object) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        catalog.bump()


def on_catalog_loaded(sender: type, **kwargs: object) -> None:
    catalog.bump()


CATALOG_MODELS = (Skill, Track, Stage, Topic, ProjectTemplate, JobRole, RoleSkill)


def connect() -> None:
    uid = "dashboard-readiness"
    for model, receiver in ((TopicProgress, on_progress), (Enrollment, on_enrollment),
                            (PortfolioProject, on_project), (Answer, on_answer)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete-{model.__name__}")
    post_delete.connect(on_interview_deleted, sender=Interview, dispatch_uid=f"{uid}-delete-Interview")
    for shown in (ReviewItem, ReadinessSnapshot):
        post_save.connect(on_dashboard_row, sender=shown, dispatch_uid=f"{uid}-save-{shown.__name__}")
        post_delete.connect(on_dashboard_row, sender=shown, dispatch_uid=f"{uid}-delete-{shown.__name__}")
    m2m_changed.connect(on_project_skills, sender=PortfolioProject.skills.through, dispatch_uid=f"{uid}-project-skills")
    for catalog_model in CATALOG_MODELS:
        name = catalog_model.__name__
        post_save.connect(on_catalog_change, sender=catalog_model, dispatch_uid=f"{uid}-catalog-save-{name}")
        post_delete.connect(on_catalog_change, sender=catalog_model, dispatch_uid=f"{uid}-catalog-delete-{name}")
    for through in (Topic.skills.through, ProjectTemplate.skills.through):
        m2m_changed.connect(on_catalog_m2m, sender=through, dispatch_uid=f"{uid}-catalog-m2m-{through.__name__}")
    catalog_loaded.connect(on_catalog_loaded, dispatch_uid=f"{uid}-catalog-loaded")
