"""Reads for the interview pages and API, each written once with its joins."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.core.exceptions import NotFound
from apps.interviews.models import Answer, Interview


def interview_list_for(*, user: User) -> QuerySet[Interview]:
    """The learner's interviews, newest first, with their answer counts (one query per page)."""
    return (
        Interview.objects.filter(user=user)
        .select_related("role", "company", "topic", "current_version__question")
        .annotate(
            answer_count=Count("answers", filter=Q(answers__parent__isnull=True)),
            pending_count=Count(
                "answers",
                filter=Q(answers__grading_status__in=[Answer.GradingStatus.PENDING, Answer.GradingStatus.GRADING]),
            ),
        )
        .order_by("-started_at", "-id")
    )


def interview_get_for(*, user: User, interview_id: int) -> Interview:
    """One of the learner's interviews; another learner's is NotFound (never reveal it exists)."""
    interview = (
        Interview.objects.filter(user=user, pk=interview_id)
        .select_related("role", "company", "topic", "current_version__question")
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
