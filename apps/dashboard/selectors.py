"""Reads for the readiness score and the dashboards.

Query counts grow neither with a learner's history nor with the catalog: readiness is arithmetic on
the learner's stored state (`learner_state`) and the per-process catalog maps (`catalog`).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, F, Min, OuterRef, Q, StdDev, Subquery
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.careers.models import InterviewRound, JobRole
from apps.dashboard import catalog, learner_state, scoring
from apps.dashboard.models import LearnerState
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question
from apps.resumes.models import Resume
from apps.roadmap.models import Stage, TopicProgress, Track

logger = logging.getLogger(__name__)

GRADED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL)
ROUND_LABELS = dict(InterviewRound.choices)


@dataclass
class NextStep:
    kind: str  # study | project | practise | resume | target
    title: str
    url: str
    gain: float  # readiness points this step could add

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "url": self.url, "gain": round(self.gain, 1)}


@dataclass
class RoleReadiness:
    role: catalog.RoleInfo
    readiness: scoring.Readiness
    inputs: scoring.ReadinessInputs
    next_steps: list[NextStep]


def resume_fit_for(*, user: User, role: JobRole) -> int | None:
    """The role's score for the learner's latest processed resume: the row stored when the resume was
    processed (refreshed when roles change); a role added since is scored alone, with no vector search."""
    from apps.resumes.models import ResumeRoleScore

    latest = (Resume.objects.filter(user=user, status=Resume.Status.READY).order_by("-processed_at", "-id")
              .annotate(stored=Subquery(ResumeRoleScore.objects.filter(resume=OuterRef("pk"), role=role)
                                        .values("score")[:1]))
              .values_list("pk", "stored").first())  # one statement for the usual case
    if latest is None:
        return None
    if latest[1] is not None:
        return int(latest[1])
    from apps.resumes.scores import resume_role_score

    score = resume_role_score(resume=Resume.objects.get(pk=latest[0]), role=role)
    return score.score if score is not None else 0


def readiness_for(*, user: User, role: JobRole | catalog.RoleInfo | int) -> RoleReadiness | None:
    """Readiness for one role from the learner's stored state and the cached catalog.

    Queries: the state with the catalog version (1) and the resume fit (`resume_fit_for`, once);
    None when the role does not exist.
    """
    state, maps = learner_state.state_for(user=user)
    info = maps.roles.get(role if isinstance(role, int) else role.pk)
    if info is None:
        return None
    return readiness_from(state=state, maps=maps, role=info, resume_fit=resume_fit_for(user=user, role=info.as_model()))


def readiness_from(*, state: LearnerState, maps: catalog.CatalogMaps, role: catalog.RoleInfo,
                   resume_fit: int | None) -> RoleReadiness:
    """The arithmetic alone (no query): used per request, and in bulk by the demo seeder."""
    inputs = scoring.ReadinessInputs(
        skill_weights=role.weights,
        skill_names=role.names,
        rounds=role.rounds or tuple(InterviewRound.values),
        coverage=state.coverage,
        project_evidence=state.project_evidence,
        round_means=state.round_means,
        answer_count=state.answer_count,
        resume_fit=resume_fit,
    )
    return RoleReadiness(role=role, readiness=scoring.compute(inputs), inputs=inputs,
                         next_steps=next_steps_for(inputs=inputs, state=state, maps=maps))


def next_steps_for(*, inputs: scoring.ReadinessInputs, state: LearnerState, maps: catalog.CatalogMaps,
                   limit: int = 5) -> list[NextStep]:
    """The 3-5 actions that would raise readiness the most, each linking to where to do it (no query)."""
    steps: list[NextStep] = []
    total_weight = sum(inputs.skill_weights.values()) or 1
    weak_skills = sorted(
        inputs.skill_weights, key=lambda s: -inputs.skill_weights[s] * (1 - min(1.0, inputs.coverage.get(s, 0.0)))
    )
    done_topics = set(state.done_topics)
    enrolled = set(state.enrolled_tracks)
    seen_topics: set[int] = set()
    for slug in weak_skills[:4]:
        gap = 1 - min(1.0, inputs.coverage.get(slug, 0.0))
        candidates = sorted((t for t in maps.topics_by_skill.get(slug, []) if t.id not in done_topics),
                            key=lambda t: t.track_id not in enrolled)
        topic = next((t for t in candidates if t.id not in seen_topics), None)
        if topic is None or gap <= 0.05:
            continue
        seen_topics.add(topic.id)
        gain = 100 * scoring.WEIGHTS["roadmap"] * inputs.skill_weights[slug] / total_weight * gap
        steps.append(NextStep("study", f"Study “{topic.title}” ({topic.track_title})",
                              reverse("roadmap:topic", args=[topic.id]), gain))

    missing = {s: w for s, w in inputs.skill_weights.items() if inputs.project_evidence.get(s, 0.0) < 1.0}
    if missing:
        best, best_gain = None, 0.0
        for template in maps.templates:
            covered = sum(missing.get(slug, 0) for slug in template.skills)
            gain = 100 * scoring.WEIGHTS["projects"] * covered / total_weight
            if gain > best_gain:
                best, best_gain = template, gain
        if best is not None:
            steps.append(NextStep("project", f"Build the project “{best.title}”",
                                  f"{reverse('portfolio:list')}?template={best.id}", best_gain))

    per_round = scoring.round_scores(inputs)
    for rnd, value in sorted(per_round.items(), key=lambda kv: kv[1] or 0.0)[:2]:
        gain = 100 * scoring.WEIGHTS["interviews"] * (100 - (value or 0.0)) / 100 / max(1, len(per_round)) * 0.5
        label = ROUND_LABELS.get(rnd, rnd)
        title = f"Practise the {label} round" + (" (not practised yet)" if value is None else f" (recent average {round(value)})")
        steps.append(NextStep("practise", title, f"{_url('interviews:start', '/interviews/')}?round={rnd}", gain))

    if inputs.resume_fit is None:
        steps.append(NextStep("resume", "Upload your resume to see how well it fits this role",
                              _url("resumes:list", "/resumes/"), 100 * scoring.WEIGHTS["resume"] * 0.5))
    # The best step of each kind first (a mix is more useful than five topics), then the rest by gain.
    steps.sort(key=lambda s: -s.gain)
    firsts: list[NextStep] = []
    for step in steps:
        if step.kind not in {f.kind for f in firsts}:
            firsts.append(step)
    rest = [s for s in steps if s not in firsts]
    return sorted(firsts, key=lambda s: -s.gain)[:limit] + rest[: max(0, limit - len(firsts))]


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except Exception:
        return fallback


# --- admin --------------------------------------------------------------------------------------

def cohort_overview(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    week_ago = timezone.now() - timedelta(days=7)
    learners = User.objects.filter(is_staff=False)
    active_ids = set(TopicProgress.objects.filter(updated_at__gte=week_ago).values_list("user_id", flat=True))
    active_ids |= set(Answer.objects.filter(created_at__gte=week_ago).values_list("interview__user_id", flat=True))
    by_round = list(
        Answer.objects.filter(grading_status__in=GRADED).values(rnd=F("question_version__question__round"))
        .annotate(n=Count("id"), mean=Avg("score")).order_by("rnd")
    )
    hardest = list(
        Question.objects.filter(versions__answers__grading_status__in=GRADED)
        .annotate(n=Count("versions__answers"), mean=Avg("versions__answers__score"), spread=StdDev("versions__answers__score"))
        .filter(n__gte=3).order_by("mean")[:10]
        .values("id", "key", "round", "n", "mean", "spread", prompt=F("current_version__prompt"))
    )
    backlog = dict(Answer.objects.values_list("grading_status").annotate(n=Count("id")).values_list("grading_status", "n"))
    oldest_pending = Answer.objects.filter(grading_status__in=["pending", "grading"]).aggregate(t=Min("created_at"))["t"]
    return {
        "learners": learners.count(),
        "active_learners": len(active_ids),
        "interviews": Interview.objects.count(),
        "by_round": [{"round": ROUND_LABELS.get(r["rnd"], r["rnd"]), "answers": r["n"], "mean": round(r["mean"] or 0)} for r in by_round],
        "hardest": hardest,
        "backlog": {status: backlog.get(status, 0) for status in Answer.GradingStatus.values},
        "oldest_pending": oldest_pending,
        "funnel": track_funnel(),
    }


def track_funnel() -> list[dict]:
    """Per track and stage: enrolled learners, and how many finished each stage (all its topics done)."""
    topic_counts = dict(Stage.objects.annotate(n=Count("topics")).values_list("id", "n"))
    done = (
        TopicProgress.objects.filter(status=TopicProgress.Status.DONE)
        .values("user_id", "topic__stage_id").annotate(n=Count("id"))
    )
    finished_by_stage: Counter[int] = Counter()
    started_by_stage: Counter[int] = Counter()
    for row in done:
        stage_id = row["topic__stage_id"]
        started_by_stage[stage_id] += 1
        if row["n"] >= topic_counts.get(stage_id, 0) > 0:
            finished_by_stage[stage_id] += 1
    enrolled = dict(Track.objects.annotate(n=Count("enrollments")).values_list("id", "n"))
    funnel = []
    for track in Track.objects.prefetch_related("stages").order_by("order"):
        funnel.append({
            "track": track, "enrolled": enrolled.get(track.id, 0),
            "stages": [{"stage": s, "started": started_by_stage[s.id], "finished": finished_by_stage[s.id]}
                       for s in track.stages.all()],
        })
    return funnel


def llm_status() -> dict:
    from django.conf import settings

    from apps.core.health import check_llm

    return {"backend": settings.LLM_BACKEND, "model": settings.LLM_MODEL, "health": check_llm(),
            "provisional": Answer.objects.filter(grading_status=Answer.GradingStatus.PROVISIONAL).count(),
            "failed": Answer.objects.filter(Q(grading_status=Answer.GradingStatus.FAILED)).count()}
