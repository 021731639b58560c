"""Loads the catalog from ``data/`` (skills, tracks, projects, companies, roles, questions).

Idempotent: rows are matched by their stable keys and updated in place. A topic or stage that
disappears from the files is deleted only when no learner has progress on it; a question whose
rubric changes gets a new version (answers keep the version they were graded against).
Every string goes through ftfy, so mojibake such as ``â€”`` in the seeds is repaired on import.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ftfy
import yaml
from django.conf import settings
from django.db import models, transaction

from apps.careers.models import Company, InterviewFlow, InterviewFlowStep, InterviewRound, JobRole, RoleSkill
from apps.core.exceptions import ApplicationError
from apps.questionbank.models import Question, QuestionVersion
from apps.roadmap.models import (
    ProjectTemplate,
    Resource,
    Skill,
    SkillCategory,
    Stage,
    Topic,
    TopicProgress,
    Track,
)
from apps.roadmap.signals import catalog_loaded
from ml.disciplines import normalise as normalise_discipline
from ml.grading.evaluation import load_red_flags

logger = logging.getLogger(__name__)

DATA_DIR = Path(settings.BASE_DIR) / "data"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = sorted(k for k in set(self.created) | set(self.updated) | set(self.deleted) | set(self.kept)
                       if self.created[k] or self.updated[k] or self.deleted[k] or self.kept[k])
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, {self.deleted[kind]} deleted"
            + (f", {self.kept[kind]} kept for learner progress" if self.kept[kind] else "")
            for kind in kinds
        ]


def repair(value: Any) -> Any:
    """Fix mojibake in every string of a loaded YAML tree."""
    if isinstance(value, str):
        return ftfy.fix_text(value).strip()
    if isinstance(value, list):
        return [repair(v) for v in value]
    if isinstance(value, dict):
        return {k: repair(v) for k, v in value.items()}
    return value


def read_yaml(path: Path) -> Any:
    return repair(yaml.safe_load(path.read_text(encoding="utf-8")))


def _upsert(model: type[models.Model], report: LoadReport, kind: str, lookup: dict, values: dict) -> Any:
    """update_or_create that only writes (and only counts an update) when something changed."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        report.created[kind] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.updated[kind] += 1
    return obj


def _skills(slugs: list[str], skills_by_slug: dict[str, Skill], where: str) -> list[Skill]:
    missing = [s for s in slugs if s not in skills_by_slug]
    if missing:
        raise ApplicationError(f"{where}: unknown skill(s) {', '.join(missing)}")
    return [skills_by_slug[s] for s in slugs]


def _set_m2m(manager: Any, wanted: list[Any]) -> bool:
    current = {obj.pk for obj in manager.all()}
    target = {obj.pk for obj in wanted}
    if current != target:
        manager.set(wanted)
        return True
    return False


def load_skills(report: LoadReport, data_dir: Path) -> dict[str, Skill]:
    data = read_yaml(data_dir / "catalog" / "skills.yaml")
    categories = {}
    for order, cat in enumerate(data["categories"]):
        categories[cat["slug"]] = _upsert(SkillCategory, report, "skill categories", {"slug": cat["slug"]},
                                          {"name": cat["name"], "order": order})
    promoted = _promoted_terms()  # staff promoted these free terms: the files do not list them yet
    for order, item in enumerate(data["skills"]):
        synonyms = [*item.get("synonyms", []), *item.get("abbreviations", [])]
        synonyms += [t for t in promoted.get(item["slug"], []) if t.lower() not in {s.lower() for s in synonyms}]
        _upsert(Skill, report, "skills", {"slug": item["slug"]}, {
            "name": item["name"], "category": categories[item["category"]], "synonyms": synonyms, "order": order,
        })
    return {s.slug: s for s in Skill.objects.select_related("category")}


def _promoted_terms() -> dict[str, list[str]]:
    from apps.careers.models import FreeTerm

    promoted: dict[str, list[str]] = {}
    for slug, term in FreeTerm.objects.filter(status=FreeTerm.Status.PROMOTED, skill__isnull=False).values_list(
            "skill__slug", "term"):
        promoted.setdefault(slug, []).append(term)
    return promoted


def load_track(path: Path, report: LoadReport, skills: dict[str, Skill], order: int) -> Track:
    data = read_yaml(path)
    track = _upsert(Track, report, "tracks", {"slug": data["slug"]}, {
        "title": data["title"], "summary": data.get("summary", ""), "source": data.get("source", ""),
        "stage_kind": data.get("stage_kind", "phase"), "duration_weeks": float(data.get("duration_weeks") or 0),
        "suggested_hours_per_week": int(data.get("suggested_hours_per_week") or 10), "order": order,
    })
    stage_by_key: dict[str, Stage] = {}
    kept_topic_ids: set[int] = set()
    for s_order, stage_data in enumerate(data.get("stages", [])):
        stage = _upsert(Stage, report, "stages", {"track": track, "key": stage_data["key"]}, {
            "order": s_order, "title": stage_data["title"], "kind": stage_data.get("kind", track.stage_kind),
            "group": stage_data.get("group") or "", "duration_weeks": float(stage_data.get("duration_weeks") or 0),
            "summary": stage_data.get("summary") or "",
        })
        stage_by_key[stage.key] = stage
        for t_order, topic_data in enumerate(stage_data.get("topics", [])):
            where = f"{path.name}: {stage.key}/{topic_data['key']}"
            topic = _upsert(Topic, report, "topics", {"stage": stage, "key": topic_data["key"]}, {
                "order": t_order, "title": topic_data["title"],
                "subtopics": [str(s) for s in topic_data.get("subtopics") or []],
                "estimated_hours": topic_data.get("estimated_hours"),
            })
            kept_topic_ids.add(topic.pk)
            _set_m2m(topic.skills, _skills(topic_data.get("skills") or [], skills, where))
            _sync_resources(topic, topic_data.get("resources") or [], report)
    _prune_removed(track, set(stage_by_key), kept_topic_ids, report)

    for project in data.get("projects", []):
        where = f"{path.name}: project {project['key']}"
        template = _upsert(ProjectTemplate, report, "projects", {"key": project["key"]}, {
            "title": project["title"], "level": project.get("level", "intermediate"),
            "description": project.get("description", ""), "tech_stack": project.get("tech_stack") or [],
            "deliverables": project.get("deliverables") or [], "track": track,
            "stage": stage_by_key.get(project.get("stage") or ""),
        })
        _set_m2m(template.skills, _skills(project.get("skills") or [], skills, where))
    # A stage may list the projects built in it instead of the project naming its stage.
    for stage_data in data.get("stages", []):
        for key in stage_data.get("projects") or []:
            ProjectTemplate.objects.filter(key=key, stage__isnull=True).update(stage=stage_by_key[stage_data["key"]])
    return track


def _sync_resources(topic: Topic, items: list[dict], report: LoadReport) -> None:
    wanted = [(r.get("title") or r.get("url") or "", r.get("url") or "", r.get("kind") or "blog") for r in items]
    current = list(topic.resources.order_by("order").values_list("title", "url", "kind"))
    if current == wanted:
        return
    # Resources carry no learner data, so a changed list is simply rewritten.
    report.deleted["resources"] += topic.resources.all().delete()[0]
    Resource.objects.bulk_create(
        [Resource(topic=topic, order=i, title=t[:300], url=u, kind=k) for i, (t, u, k) in enumerate(wanted)]
    )
    report.created["resources"] += len(wanted)


def _prune_removed(track: Track, stage_keys: set[str], topic_ids: set[int], report: LoadReport) -> None:
    orphans = Topic.objects.filter(stage__track=track).exclude(pk__in=topic_ids)
    with_progress = set(TopicProgress.objects.filter(topic__in=orphans).values_list("topic_id", flat=True))
    report.kept["topics"] += len(with_progress)
    report.deleted["topics"] += orphans.exclude(pk__in=with_progress).delete()[1].get("roadmap.Topic", 0)
    for stage in Stage.objects.filter(track=track).exclude(key__in=stage_keys):
        if stage.topics.exists():
            report.kept["stages"] += 1
        else:
            stage.delete()
            report.deleted["stages"] += 1


def load_companies_and_roles(report: LoadReport, data_dir: Path, skills: dict[str, Skill]) -> None:
    companies = {}
    for item in read_yaml(data_dir / "catalog" / "companies.yaml")["companies"]:
        companies[item["slug"]] = _upsert(Company, report, "companies", {"slug": item["slug"]}, {
            "name": item["name"], "category": item.get("category", "enterprise"), "region": item.get("region") or "",
            "description": item.get("description") or "", "sources": item.get("sources") or [],
        })
    data = read_yaml(data_dir / "catalog" / "roles.yaml")
    valid_rounds = set(InterviewRound.values)
    for item in data["roles"]:
        salary = item.get("salary") or {}
        rounds = item.get("interview_rounds") or []
        if set(rounds) - valid_rounds:
            raise ApplicationError(f"role {item['slug']}: unknown round(s) {sorted(set(rounds) - valid_rounds)}")
        discipline = normalise_discipline(item.get("family") or "")
        if item.get("family") and not discipline:
            raise ApplicationError(f"role {item['slug']}: unknown discipline {item['family']!r}")
        role = _upsert(JobRole, report, "roles", {"slug": item["slug"]}, {
            "title": item["title"], "family": discipline, "description": item["description"],
            "seniority": item.get("seniority", "mid"), "salary_min": salary.get("min"), "salary_max": salary.get("max"),
            "salary_currency": salary.get("currency", ""), "salary_period": salary.get("period", "year") if salary else "",
            "salary_region": salary.get("region", ""), "interview_rounds": rounds, "sources": item.get("sources") or [],
        })
        wanted = {s["slug"]: int(s.get("weight", 1)) for s in item.get("skills") or []}
        _skills(list(wanted), skills, f"role {item['slug']}")
        current = {rs.skill.slug: rs for rs in role.role_skills.select_related("skill")}
        for slug, rs in current.items():
            if slug not in wanted:
                rs.delete()
            elif rs.weight != wanted[slug]:
                rs.weight = wanted[slug]
                rs.save(update_fields=["weight"])
        RoleSkill.objects.bulk_create(
            [RoleSkill(role=role, skill=skills[slug], weight=w) for slug, w in wanted.items() if slug not in current]
        )
        unknown = [c for c in item.get("companies") or [] if c not in companies]
        if unknown:
            raise ApplicationError(f"role {item['slug']}: unknown companies {unknown}")
        _set_m2m(role.hiring_companies, [companies[c] for c in item.get("companies") or []])
    for flow_data in data.get("interview_flows", []):
        flow = _upsert(InterviewFlow, report, "interview flows", {"slug": flow_data["slug"]},
                       {"title": flow_data["title"], "source": flow_data.get("source", "")})
        flow.steps.all().delete()
        InterviewFlowStep.objects.bulk_create([
            InterviewFlowStep(flow=flow, order=i, round=step["round"], title=step["title"], description=step.get("description", ""))
            for i, step in enumerate(flow_data["steps"])
        ])


def question_rubric_fields(item: dict) -> dict[str, Any]:
    return {
        "prompt": item["prompt"],
        "key_points": [
            {"id": str(kp.get("id") or f"k{i + 1}"), "text": kp["text"], "weight": float(kp.get("weight", 1)),
             "follow_up": str(kp.get("follow_up") or "").strip()}
            for i, kp in enumerate(item["key_points"])
        ],
        "reference_answer": item.get("reference_answer") or "",
        "red_flags": [str(flag).strip() for flag in item.get("red_flags") or [] if str(flag).strip()],
    }


def load_questions(report: LoadReport, data_dir: Path, skills: dict[str, Skill]) -> None:
    red_flags = load_red_flags(data_dir / "questions" / "red_flags", read=read_yaml)
    for path in sorted((data_dir / "questions").glob("*.yaml")):
        for item in read_yaml(path).get("questions", []):
            item = {**item, "red_flags": red_flags.get(item["key"], [])}
            where = f"{path.name}: {item['key']}"
            question = _upsert(Question, report, "questions", {"key": item["key"]}, {
                "round": item["round"], "difficulty": int(item.get("difficulty", 2)),
                "status": item.get("status", Question.Status.PUBLISHED), "source": Question.Source.AUTHORED,
            })
            _set_m2m(question.skills, _skills(item.get("skills") or [], skills, where))
            rubric = question_rubric_fields(item)
            current = question.current_version
            if current is None or any(getattr(current, k) != v for k, v in rubric.items()):
                version = QuestionVersion.objects.create(
                    question=question, number=(current.number + 1) if current else 1, **rubric
                )
                question.current_version = version
                question.save(update_fields=["current_version"])
                report.created["question versions"] += 1


@transaction.atomic
def load_catalog(*, data_dir: Path = DATA_DIR) -> LoadReport:
    report = LoadReport()
    skills = load_skills(report, data_dir)
    for order, path in enumerate(sorted((data_dir / "catalog" / "tracks").glob("*.yaml"))):
        load_track(path, report, skills, order)
    load_companies_and_roles(report, data_dir, skills)
    if (data_dir / "questions").exists():
        load_questions(report, data_dir, skills)
    catalog_loaded.send(sender=LoadReport, report=report)
    return report
