"""Reads for the readiness score and the dashboards. Query counts do not grow with a learner's history."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, F, Min, Q, StdDev
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.careers.models import InterviewRound, JobRole
from apps.dashboard import scoring
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Interview
from apps.portfolio.models import PortfolioProject
from apps.questionbank.models import Question
from apps.resumes.models import Resume
from apps.roadmap import selectors as roadmap_selectors
from apps.roadmap.models import Enrollment, ProjectTemplate, Stage, Topic, TopicProgress, Track

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
    role: JobRole
    readiness: scoring.Readiness
    inputs: scoring.ReadinessInputs
    next_steps: list[NextStep]


def role_skills_of(role: JobRole) -> tuple[dict[str, int], dict[str, str]]:
    """The role's skills: slug → weight, and slug → name (for explanations people read)."""
    rows = list(role.role_skills.values_list("skill__slug", "skill__name", "weight"))
    return {slug: weight for slug, _, weight in rows}, {slug: name for slug, name, _ in rows}


def project_evidence_for(*, user: User) -> dict[str, float]:
    evidence: dict[str, float] = {}
    rows = PortfolioProject.skills.through.objects.filter(portfolioproject__user=user).values_list(
        "skill__slug", "portfolioproject__status"
    )
    for slug, status in rows:
        value = scoring.DONE_PROJECT_EVIDENCE if status == PortfolioProject.Status.DONE else scoring.UNFINISHED_PROJECT_EVIDENCE
        evidence[slug] = max(evidence.get(slug, 0.0), value)
    return evidence


def answer_scores_for(*, user: User) -> tuple[scoring.AnswerScore, ...]:
    rows = Answer.objects.filter(interview__user=user, grading_status__in=GRADED, score__isnull=False).values_list(
        "question_version__question__round", "score", "created_at"
    )
    return tuple(scoring.AnswerScore(round=r, score=s, at=at) for r, s, at in rows)


def resume_fit_for(*, user: User, role: JobRole) -> int | None:
    """The role's score for the learner's latest processed resume: the row stored when the resume was
    processed (refreshed when roles change); a role added since is scored alone, with no vector search."""
    from apps.resumes.models import ResumeRoleScore

    resume = Resume.objects.filter(user=user, status=Resume.Status.READY).order_by("-processed_at", "-id").first()
    if resume is None:
        return None
    stored = ResumeRoleScore.objects.filter(resume=resume, role=role).values_list("score", flat=True).first()
    if stored is not None:
        return int(stored)
    from apps.resumes.scores import resume_role_score

    score = resume_role_score(resume=resume, role=role)
    return score.score if score is not None else 0


def readiness_inputs_for(*, user: User, role: JobRole, now=None) -> scoring.ReadinessInputs:  # type: ignore[no-untyped-def]
    weights, names = role_skills_of(role)
    return scoring.ReadinessInputs(
        skill_weights=weights,
        skill_names=names,
        rounds=tuple(role.interview_rounds or InterviewRound.values),
        coverage=roadmap_selectors.skill_coverage_for(user=user),
        project_evidence=project_evidence_for(user=user),
        answers=answer_scores_for(user=user),
        resume_fit=resume_fit_for(user=user, role=role),
        now=now or timezone.now(),
    )


def readiness_for(*, user: User, role: JobRole) -> RoleReadiness:
    inputs = readiness_inputs_for(user=user, role=role)
    readiness = scoring.compute(inputs)
    return RoleReadiness(role=role, readiness=readiness, inputs=inputs, next_steps=next_steps_for(user=user, inputs=inputs))


def next_steps_for(*, user: User, inputs: scoring.ReadinessInputs, limit: int = 5) -> list[NextStep]:
    """The 3-5 actions that would raise readiness the most, each linking to where to do it."""
    steps: list[NextStep] = []
    total_weight = sum(inputs.skill_weights.values()) or 1
    weak_skills = sorted(
        inputs.skill_weights, key=lambda s: -inputs.skill_weights[s] * (1 - min(1.0, inputs.coverage.get(s, 0.0)))
    )
    done_topics = set(
        TopicProgress.objects.filter(user=user, status=TopicProgress.Status.DONE).values_list("topic_id", flat=True)
    )
    enrolled = set(Enrollment.objects.filter(user=user).values_list("track_id", flat=True))
    topics_by_skill: dict[str, list[Topic]] = defaultdict(list)
    for topic in (
        Topic.objects.filter(skills__slug__in=weak_skills[:4]).exclude(pk__in=done_topics)
        .select_related("stage__track").annotate(skill_slug=F("skills__slug")).order_by("stage__track__order", "stage__order", "order")
    ):
        topics_by_skill[topic.skill_slug].append(topic)
    seen_topics: set[int] = set()
    for slug in weak_skills[:4]:
        gap = 1 - min(1.0, inputs.coverage.get(slug, 0.0))
        candidates = sorted(topics_by_skill.get(slug, []), key=lambda t: t.stage.track_id not in enrolled)
        topic = next((t for t in candidates if t.pk not in seen_topics), None)
        if topic is None or gap <= 0.05:
            continue
        seen_topics.add(topic.pk)
        gain = 100 * scoring.WEIGHTS["roadmap"] * inputs.skill_weights[slug] / total_weight * gap
        steps.append(NextStep("study", f"Study “{topic.title}” ({topic.stage.track.title})",
                              reverse("roadmap:topic", args=[topic.pk]), gain))

    missing = {s: w for s, w in inputs.skill_weights.items() if inputs.project_evidence.get(s, 0.0) < 1.0}
    if missing:
        best, best_gain = None, 0.0
        for template in ProjectTemplate.objects.filter(skills__slug__in=missing).prefetch_related("skills").distinct():
            covered = sum(missing.get(s.slug, 0) for s in template.skills.all())
            gain = 100 * scoring.WEIGHTS["projects"] * covered / total_weight
            if gain > best_gain:
                best, best_gain = template, gain
        if best is not None:
            steps.append(NextStep("project", f"Build the project “{best.title}”",
                                  f"{reverse('portfolio:list')}?template={best.pk}", best_gain))

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


def target_roles_for(*, user: User, role_id: int | None = None) -> list[JobRole]:
    """The role asked for, else the learner's target role, else nothing (the page asks them to pick one)."""
    roles = JobRole.objects.prefetch_related("role_skills__skill")
    if role_id:
        return list(roles.filter(pk=role_id))
    return list(roles.filter(pk=user.target_role_id)) if user.target_role_id else []


# --- charts -------------------------------------------------------------------------------------

def activity_by_day(*, user: User, days: int = 182, today: date | None = None) -> dict[date, int]:
    """Topics finished, answers given and projects touched per day (3 queries)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    counts: Counter[date] = Counter()
    for qs, field in (
        (TopicProgress.objects.filter(user=user, completed_at__date__gte=since), "completed_at"),
        (Answer.objects.filter(interview__user=user, created_at__date__gte=since), "created_at"),
        (PortfolioProject.objects.filter(user=user, updated_at__date__gte=since), "updated_at"),
    ):
        for row in qs.annotate(day=TruncDate(field)).values("day").annotate(n=Count("id")):
            counts[row["day"]] += row["n"]
    return {since + timedelta(days=i): counts.get(since + timedelta(days=i), 0) for i in range(days)}


def heatmap_level(count: int) -> int:
    return 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3 if count <= 6 else 4


def study_hours_by_week(*, user: User, weeks: int = 8, today: date | None = None) -> list[dict]:
    """Hours of finished topics per week (estimated hours of each topic) against the learner's plan."""
    today = today or timezone.localdate()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    plan = sum(Enrollment.objects.filter(user=user).values_list("hours_per_week", flat=True)) or user.hours_per_week
    rows = TopicProgress.objects.filter(user=user, completed_at__date__gte=start).values_list(
        "completed_at", "topic__estimated_hours"
    )
    hours: Counter[date] = Counter()
    for completed_at, estimated in rows:
        day = timezone.localtime(completed_at).date()
        hours[day - timedelta(days=day.weekday())] += float(estimated or roadmap_selectors.DEFAULT_TOPIC_HOURS)
    return [{"week": start + timedelta(weeks=i), "hours": round(hours.get(start + timedelta(weeks=i), 0.0), 1), "plan": plan}
            for i in range(weeks)]


def history_for(*, user: User, role: JobRole, days: int = 60) -> list[dict]:
    since = timezone.localdate() - timedelta(days=days)
    snapshots = {s.date: s for s in ReadinessSnapshot.objects.filter(user=user, role=role, date__gte=since)}
    interview_daily = dict(
        Answer.objects.filter(interview__user=user, grading_status__in=GRADED, created_at__date__gte=since)
        .annotate(day=TruncDate("created_at")).values("day").annotate(avg=Avg("score")).values_list("day", "avg")
    )
    days_with_data = sorted(set(snapshots) | set(interview_daily))
    return [{"date": d, "readiness": snapshots[d].score if d in snapshots else None,
             "interview": round(interview_daily[d]) if d in interview_daily else None} for d in days_with_data]


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
        .filter(n__gte=3).order_by("mean")[:10].values("id", "key", "round", "n", "mean", "spread")
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
