"""Disputed grades: a learner says a key point was misjudged, staff resolve it, and resolved disputes
become labelled examples for the grading corpus (data/grading_corpus, see its README).

Writes are `dispute_open` and `dispute_resolve`; reads are the `disputes_*` selectors below.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.interviews.models import Answer, Dispute, Interview
from apps.questionbank.models import Question

if TYPE_CHECKING:
    from apps.accounts.models import User

GRADED = (Answer.GradingStatus.GRADED, Answer.GradingStatus.PROVISIONAL)
MAX_REASON = 2000
# The corpus's categories (ml.grading.evaluation.CATEGORIES) for an exported answer, by its expert score.
EXCELLENT_FROM, PARTIAL_FROM = 80, 35


def _point_id(result: dict[str, Any]) -> str:
    """A stored key-point result's id (grades stored before ids existed have only the position)."""
    return str(result.get("id") or f"k{int(result.get('index', 0)) + 1}")


def answer_covers(answer: Answer) -> list[str]:
    """Ids of the key points the answer's grade marks covered, in rubric order."""
    return [_point_id(kp) for kp in answer.key_points if kp.get("covered")]


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(*, user: User, answer: Answer, key_point_id: str, reason: str) -> Dispute:
    """Open a dispute on one key point of the learner's own graded answer (one open dispute per answer)."""
    locked = Answer.objects.select_for_update().filter(pk=answer.pk, interview__user=user).first()
    if locked is None:
        raise NotFound("Answer not found.")
    answer = locked
    if answer.grading_status not in GRADED or answer.score is None:
        raise ApplicationError("Only a graded answer can be disputed.", errors={"answer": ["Not graded yet."]})
    point = next((kp for kp in answer.key_points if _point_id(kp) == str(key_point_id)), None)
    if point is None:
        raise ApplicationError("Pick one of the answer's key points.", errors={"key_point": ["Unknown key point."]})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApplicationError("Say why the grade is wrong (at least 10 characters).",
                               errors={"reason": ["Say why, in at least 10 characters."]})
    if len(reason) > MAX_REASON:
        raise ApplicationError(f"Keep the reason under {MAX_REASON} characters.",
                               errors={"reason": [f"At most {MAX_REASON} characters."]})
    if Dispute.objects.filter(answer=answer, status=Dispute.Status.OPEN).exists():
        raise Conflict("This answer already has an open dispute.")
    dispute = Dispute(
        answer=answer, user=user, key_point_id=_point_id(point), key_point_text=str(point.get("text", ""))[:1000],
        graded_covered=bool(point.get("covered")), reason=reason, original_score=answer.score,
        original_covers=answer_covers(answer),
    )
    dispute.full_clean()
    try:
        with transaction.atomic():
            dispute.save()
    except IntegrityError as exc:  # a concurrent request opened one first
        raise Conflict("This answer already has an open dispute.") from exc
    return dispute


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, staff: User, action: str, covers: list[str] | None = None, score: int | None = None,
    note: str = "",
) -> Dispute:
    """Resolve an open dispute.

    `regraded`: the answer's grade becomes staff's (covers + score; grader "staff") and a finished
    interview's report is rebuilt. `rubric_fixed`: staff changed the question's rubric (new
    version) and record their verdict on this answer; the grade itself stays. `rejected`: the grade
    stands, with a reason for the learner. Each keeps the expert verdict for the corpus export.
    """
    dispute = Dispute.objects.select_for_update().select_related("answer").get(pk=dispute.pk)
    if not dispute.is_open:
        raise Conflict("This dispute is already resolved.")
    if action not in (Dispute.Status.REGRADED, Dispute.Status.RUBRIC_FIXED, Dispute.Status.REJECTED):
        raise ApplicationError("Choose regrade, rubric fixed or reject.", errors={"action": ["Unknown action."]})
    note = (note or "").strip()[:MAX_REASON]
    answer = Answer.objects.select_for_update().get(pk=dispute.answer_id)
    known = [_point_id(kp) for kp in answer.key_points]
    if action == Dispute.Status.REJECTED:
        if not note:
            raise ApplicationError("Say why the grade stands: the learner reads it.",
                                   errors={"note": ["A reason is required to reject."]})
        covers, score = answer_covers(answer), answer.score
    else:
        if score is None or not 0 <= int(score) <= 100:
            raise ApplicationError("Give the corrected score (0-100).", errors={"score": ["A number from 0 to 100."]})
        unknown = [c for c in covers or [] if c not in known]
        if unknown:
            raise ApplicationError("Those are not key points of this answer.", errors={"covers": unknown})
        covers = [c for c in known if c in set(covers or [])]
    dispute.status = action
    dispute.corrected_covers, dispute.corrected_score = covers, int(score)  # type: ignore[arg-type]
    dispute.resolution_note, dispute.resolved_by, dispute.resolved_at = note, staff, timezone.now()
    dispute.full_clean()
    dispute.save()
    if action == Dispute.Status.REGRADED:
        _answer_regrade(answer, covers=covers, score=int(score))  # type: ignore[arg-type]
    return dispute


def _answer_regrade(answer: Answer, *, covers: list[str], score: int) -> None:
    from apps.interviews import services

    covered = set(covers)
    answer.key_points = [{**kp, "covered": _point_id(kp) in covered} for kp in answer.key_points]
    answer.score = score
    answer.grader = "staff"
    if answer.grade:
        answer.grade = {**answer.grade, "score": score, "key_points": answer.key_points, "grader": "staff"}
    answer.grading_status = Answer.GradingStatus.GRADED
    answer.refined_at = answer.refined_at or timezone.now()
    answer.save(update_fields=["key_points", "score", "grader", "grade", "grading_status", "refined_at"])
    interview = Interview.objects.get(pk=answer.interview_id)
    if interview.status == Interview.Status.FINISHED:
        services.interview_report_refresh(interview=interview)


# --- Reads --------------------------------------------------------------------------------------


def disputes_for_learner(*, user: User) -> QuerySet[Dispute]:
    """The learner's disputes, newest first, with the question each is about (one query)."""
    return Dispute.objects.filter(user=user).select_related("answer__question_version__question", "answer__interview")


def dispute_get_for_learner(*, user: User, dispute_id: int) -> Dispute:
    dispute = disputes_for_learner(user=user).filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound("Dispute not found.")
    return dispute


def disputes_by_answer(*, answer_ids: list[int]) -> dict[int, Dispute]:
    """The latest dispute of each answer (for the report: one query)."""
    latest: dict[int, Dispute] = {}
    for dispute in Dispute.objects.filter(answer_id__in=answer_ids).order_by("created_at", "id"):
        latest[dispute.answer_id] = dispute
    return latest


@dataclass(frozen=True)
class QuestionDisputes:
    """A question with disputes: what the staff list shows per row."""

    question: Question
    open: int
    resolved: int


def disputed_questions() -> list[QuestionDisputes]:
    """Questions with disputes, those with the most open ones first (one query)."""
    rows = (
        Question.objects.filter(versions__answers__disputes__isnull=False)
        .select_related("current_version")
        .annotate(
            open_count=Count("versions__answers__disputes", filter=Q(versions__answers__disputes__status="open"), distinct=True),
            total=Count("versions__answers__disputes", distinct=True),
        )
        .order_by("-open_count", "key")
    )
    return [QuestionDisputes(q, q.open_count, q.total - q.open_count) for q in rows]


def disputes_for_staff(*, question_id: int | None = None, status: str | None = None) -> QuerySet[Dispute]:
    """Disputes with their answer, question and learner (one query), oldest open first."""
    qs = Dispute.objects.select_related("answer__question_version__question", "user", "resolved_by")
    if question_id is not None:
        qs = qs.filter(answer__question_version__question_id=question_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-status", "created_at", "id")  # "open" sorts after the resolved statuses


def dispute_get_for_staff(*, dispute_id: int) -> Dispute:
    dispute = disputes_for_staff().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound("Dispute not found.")
    return dispute


# --- Export for the grading corpus ----------------------------------------------------------------


def _category(score: int) -> str:
    if score >= EXCELLENT_FROM:
        return "excellent"
    return "partial" if score >= PARTIAL_FROM else "wrong"


def disputes_export_yaml() -> str:
    """Resolved disputes as grading-corpus YAML: one document per question (`key`, `round`, `answers`),
    each answer with the expert-corrected `covers` (0-based positions in the question's current
    rubric) and `score`. The learner is never named; the answer text is exported as written."""
    resolved = (
        Dispute.objects.exclude(status=Dispute.Status.OPEN)
        .select_related("answer__question_version__question__current_version")
        .order_by("answer__question_version__question__key", "id")
    )
    by_question: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for dispute in resolved:
        question = dispute.answer.question_version.question
        current = question.current_version or dispute.answer.question_version
        positions = {str(kp.get("id") or f"k{i + 1}"): i for i, kp in enumerate(current.key_points)}
        by_question.setdefault(question.key, {"key": question.key, "round": question.round})
        answers[question.key].append({
            "id": f"{question.key}/dispute-{dispute.pk}",
            "category": _category(int(dispute.corrected_score or 0)),
            "voice": "learner answer from a mock interview (disputed grade)",
            "covers": sorted(positions[c] for c in dispute.corrected_covers if c in positions),
            "score": int(dispute.corrected_score or 0),
            "note": f"dispute #{dispute.pk}, {dispute.get_status_display().lower()}: graded {dispute.original_score}, "
                    f"key point {dispute.key_point_id} disputed. {dispute.resolution_note}".strip(),
            "text": dispute.answer.text.strip() + "\n",
        })
    documents = [{**by_question[key], "answers": answers[key]} for key in by_question]
    header = ("# Resolved grade disputes as labelled examples (data/grading_corpus format, one document per "
              "question).\n# Append the answers to the question's file and bump splits.yaml's version.\n")
    body = yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, width=100) if documents else ""
    return header + body
