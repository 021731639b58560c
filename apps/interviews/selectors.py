"""Reads for the interview pages and API, each written once with its joins."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.core.exceptions import NotFound
from apps.interviews.models import Answer, Interview
from apps.interviews.policy import (
    FOLLOW_UP_CREDIT,
    GAP_SCORE,
    SCORED,
    SETTLED,
    STRENGTH_SCORE,
    TOPIC_CHECK_PASS_SCORE,
)
from apps.interviews.study_links import link_gap_topics

# Vectors of the related rows no interview page or API shows (the role's is 865 numbers): not read.
HEAVY_RELATED = ("role__embedding", "role__match_vector", "current_version__question__embedding")


def _answers_counted(condition: Q) -> Coalesce:
    """The interview's answers meeting `condition`, counted in a subquery: a join with GROUP BY over the
    interview and its five related rows cost the planner more than the statement took to run."""
    counts = (Answer.objects.filter(condition, interview=OuterRef("pk")).order_by().values("interview")
              .annotate(n=Count("id")).values("n")[:1])
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def interview_list_for(*, user: User, names: bool = True) -> QuerySet[Interview]:
    """The learner's interviews, newest first, with their main-answer counts (one query per page).

    `names=False` (the API, which shows the role, company and topic as ids) leaves out the joins to
    those three tables: the statement then plans in a fraction of the time.
    """
    related = ("role", "company", "topic", "current_version__question") if names else ("current_version__question",)
    heavy = HEAVY_RELATED if names else tuple(f for f in HEAVY_RELATED if not f.startswith("role__"))
    return (
        Interview.objects.filter(user=user)
        .select_related(*related)
        .defer(*heavy)
        .annotate(answer_count=_answers_counted(Q(parent__isnull=True)))
        .order_by("-started_at", "-id")
    )


def interview_get_for(*, user: User, interview_id: int) -> Interview:
    """One of the learner's interviews; another learner's is NotFound (never reveal it exists)."""
    interview = (
        Interview.objects.filter(user=user, pk=interview_id)
        .select_related("role", "company", "topic", "current_version__question")
        .defer(*HEAVY_RELATED)
        .first()
    )
    if interview is None:
        raise NotFound("Interview not found.")
    return interview


def interview_detail_for(*, user: User, interview_id: int) -> Interview:
    """The interview with its answers (and their questions) prefetched: a fixed number of queries."""
    interview = interview_get_for(user=user, interview_id=interview_id)
    answers = list(
        Answer.objects.filter(interview=interview)
        .select_related("question_version__question")
        .order_by("order")
    )
    interview.answer_list = answers  # type: ignore[attr-defined]
    return interview


def answer_get_for(*, user: User, answer_id: int) -> Answer:
    answer = (
        Answer.objects.filter(pk=answer_id, interview__user=user)
        .select_related("question_version__question", "interview")
        .first()
    )
    if answer is None:
        raise NotFound("Answer not found.")
    return answer


def interview_answers_for_report(*, interview: Interview) -> list[Answer]:
    """Every answer with its question, the question's skills and its follow-ups, in order."""
    return list(
        Answer.objects.filter(interview=interview)
        .select_related("question_version__question")
        .prefetch_related(Prefetch("question_version__question__skills"))
        .order_by("order")
    )


def _point_id(result: dict[str, Any]) -> str:
    """A stored key-point result's id (grades stored before ids existed have only the position)."""
    return str(result.get("id") or f"k{int(result.get('index', 0)) + 1}")


def _question_score(main: Answer, follow_up: Answer | None) -> int | None:
    """The main answer's score plus half the credit of what the follow-up recovered."""
    if main.grading_status not in SCORED or main.score is None:
        return None
    score = float(main.score)
    if follow_up is not None and follow_up.grading_status in SCORED and follow_up.score:
        weights = {_point_id(kp): float(kp.get("weight", 1.0)) for kp in main.key_points}
        total = sum(weights.values()) or 1.0
        probed = sum(weights.get(str(i), 0.0) for i in follow_up.follow_up_key_points)
        score += FOLLOW_UP_CREDIT * (probed / total) * follow_up.score
    return min(100, round(score))


def _answer_entry(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "order": answer.order,
        "prompt": answer.prompt,
        "text": answer.text,
        "grading_status": answer.grading_status,
        "score": answer.score,
        "dimensions": answer.dimensions,
        "grader": answer.grader,
        "feedback": answer.feedback,
        "injection_suspected": answer.injection_suspected,
        "covered": [kp for kp in answer.key_points if kp.get("covered")],
        "missed": [kp for kp in answer.key_points if not kp.get("covered")],
    }


def interview_report_build(*, interview: Interview) -> dict[str, Any]:
    """The report: overall and per-skill scores, dimensions, strengths, gaps linked to roadmap
    topics, next steps, and every answer with its covered and missed key points and the reference answer."""
    answers = interview_answers_for_report(interview=interview)
    follow_ups = {a.parent_id: a for a in answers if a.parent_id is not None}
    questions: list[dict[str, Any]] = []
    skill_scores: dict[str, list[int]] = defaultdict(list)
    skill_names: dict[str, str] = {}
    skill_missed: dict[str, list[str]] = defaultdict(list)
    dims: dict[str, list[int]] = defaultdict(list)
    for main in (a for a in answers if a.parent_id is None):
        question = main.question_version.question
        follow_up = follow_ups.get(main.pk)
        score = _question_score(main, follow_up)
        skills = list(question.skills.all())
        recovered = {_point_id(kp) for kp in (follow_up.key_points if follow_up else []) if kp.get("covered")}
        missed_texts = [kp["text"] for kp in main.key_points
                        if not kp.get("covered") and _point_id(kp) not in recovered]
        if score is not None:
            for skill in skills:
                skill_scores[skill.slug].append(score)
                skill_names[skill.slug] = skill.name
                skill_missed[skill.slug].extend(missed_texts)
            for name, value in main.dimensions.items():
                dims[name].append(int(value))
        questions.append({
            "question": question.pk,
            "round": question.round,
            "skills": [s.slug for s in skills],
            "score": score,
            "answer": _answer_entry(main),
            "follow_up": _answer_entry(follow_up) if follow_up else None,
            "reference_answer": main.question_version.reference_answer,
        })
    scored = [q["score"] for q in questions if q["score"] is not None]
    pending = sum(1 for a in answers if a.grading_status not in SETTLED)
    by_skill: list[dict[str, Any]] = sorted(
        ({"slug": slug, "name": skill_names[slug], "score": round(sum(v) / len(v))} for slug, v in skill_scores.items()),
        key=lambda s: (s["score"], s["slug"]),
    )
    strengths = [s for s in reversed(by_skill) if s["score"] >= STRENGTH_SCORE]
    gaps = [
        {**s, "missed_key_points": list(dict.fromkeys(skill_missed[s["slug"]]))[:5], "topics": []}
        for s in by_skill if s["score"] < GAP_SCORE
    ]
    link_gap_topics(gaps, user_id=interview.user_id)  # apps/interviews/study_links.py
    score = round(sum(scored) / len(scored)) if scored else None
    return {
        "score": score,
        "complete": pending == 0,
        "pending": pending,
        "answered": len(questions),
        "by_skill": by_skill,
        "dimensions": {name: round(sum(v) / len(v)) for name, v in dims.items()},
        "strengths": strengths,
        "gaps": gaps,
        "next_steps": _next_steps(interview, score, gaps),
        "questions": questions,
    }


def _next_steps(interview: Interview, score: int | None, gaps: list[dict[str, Any]]) -> list[str]:
    steps: list[str] = []
    for gap in gaps[:3]:
        if gap["topics"]:
            steps.append(f'Study "{gap["topics"][0]["title"]}" to strengthen {gap["name"]}.')
        else:
            steps.append(f"Practise {gap['name']}: review the reference answers below.")
    if score is None:
        return steps
    if interview.kind == Interview.Kind.TOPIC_CHECK:
        if score >= TOPIC_CHECK_PASS_SCORE:
            steps.append("Topic verified: move on to the next topic of your roadmap.")
        else:
            steps.append(f"Score {TOPIC_CHECK_PASS_SCORE} or more to verify this topic: review it and check again.")
    elif score >= 80 and interview.difficulty < 3:
        steps.append("Strong result: try the next difficulty level.")
    elif score < 50:
        steps.append("Retake this round after studying the gaps; aim to state every key point in full sentences.")
    else:
        steps.append("Take another mock interview of this round to consolidate.")
    return steps


@dataclass(frozen=True)
class SkillRecord:
    """How the learner has done on one skill across their graded answers."""

    slug: str
    score: float
    answers: int


def skill_records_for(*, user: User) -> dict[str, SkillRecord]:
    """Mean score per skill over the learner's graded main answers (one aggregate query)."""
    rows = (
        Answer.objects.filter(
            interview__user=user, parent__isnull=True,
            grading_status__in=[Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL],
        )
        .values("question_version__question__skills__slug")
        .annotate(mean=Avg("score"), n=Count("id"))
    )
    return {
        row["question_version__question__skills__slug"]: SkillRecord(
            row["question_version__question__skills__slug"], float(row["mean"]), int(row["n"])
        )
        for row in rows
        if row["question_version__question__skills__slug"]
    }


def questions_seen_by(*, user: User) -> set[int]:
    """Ids of the questions the learner has already been asked, in any interview."""
    return set(
        Answer.objects.filter(interview__user=user).values_list("question_version__question_id", flat=True).distinct()
    )


@dataclass(frozen=True)
class HistoryPoint:
    interview_id: int
    label: str
    score: int


def interview_history_for(*, user: User) -> tuple[list[Interview], list[HistoryPoint], dict[str, int]]:
    """The history page: every interview (annotated), the finished ones' scores oldest first, and a summary."""
    interviews = list(interview_list_for(user=user))
    points = [
        HistoryPoint(i.pk, i.finished_at.strftime("%d %b") if i.finished_at else "", i.score)
        for i in reversed(interviews)
        if i.status == Interview.Status.FINISHED and i.score is not None
    ]
    by_round: dict[str, list[int]] = defaultdict(list)
    for interview in interviews:
        if interview.score is not None:
            by_round[interview.round].append(interview.score)
    summary = {round_: round(sum(scores) / len(scores)) for round_, scores in by_round.items()}
    return interviews, points, summary


def interview_next_action(interview: Interview) -> str:
    """What the learner does next: answer the current question, wait for a grade, finish, or nothing."""
    if interview.status == Interview.Status.FINISHED:
        return "done"
    if interview.current_version_id:
        return "answer"
    if interview.awaiting_answer_id:
        return "wait"
    return "finish"


def interview_should_advance(interview: Interview) -> bool:
    """True while the interviewer waits on a grade: the read paths then ask `interview_advance`."""
    return interview.is_active and not interview.current_version_id and bool(interview.awaiting_answer_id)


def interview_question_number(interview: Interview, answers: list[Answer] | None) -> int:
    """1-based number of the current main question (a follow-up keeps its question's number)."""
    if answers is not None:
        asked = sum(1 for a in answers if a.parent_id is None)
    else:
        asked = getattr(interview, "answer_count", 0)
    return asked if interview.current_parent_id else asked + 1
