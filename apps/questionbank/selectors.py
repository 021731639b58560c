"""Reads for the question bank pages and API: lists, near-duplicates, versions, statistics, exports."""

from __future__ import annotations

import difflib
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.db.models import Avg, Count, Prefetch, Q, QuerySet, StdDev, Value
from pgvector.django import CosineDistance

from apps.accounts.models import User
from apps.core.exceptions import NotFound
from apps.questionbank.interchange import question_as_row
from apps.questionbank.models import Question, QuestionDraftJob, QuestionVersion
from apps.questionbank.validation import format_weight
from apps.roadmap.models import Skill

if TYPE_CHECKING:
    from ml.grading.types import QuestionSpec

NEAR_DUPLICATE_SIMILARITY = 0.9


def _with_rubric(queryset: QuerySet[Question]) -> QuerySet[Question]:
    return queryset.select_related("current_version").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.only("id", "slug", "name", "category_id").order_by("slug"))
    )


def questions_visible_to(*, user: User) -> QuerySet[Question]:
    """Staff see every bank question (not the private ones written for a learner's resume interview);
    learners only published ones."""
    if user.is_staff:
        return Question.objects.bank()
    return Question.objects.filter(status=Question.Status.PUBLISHED, current_version__isnull=False)


def question_list(
    *,
    user: User,
    round: str | None = None,
    skill: str | None = None,
    difficulty: int | None = None,
    status: str | None = None,
    source: str | None = None,
    q: str | None = None,
) -> QuerySet[Question]:
    """The filtered list, with the current version and skills loaded (3 queries for a page)."""
    questions = questions_visible_to(user=user)
    if round:
        questions = questions.filter(round=round)
    if skill:
        questions = questions.filter(skills__slug=skill)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    if status:
        questions = questions.filter(status=status)
    if source:
        questions = questions.filter(source=source)
    if q and q.strip():
        questions = questions.filter(_search(user=user, term=q.strip()))
    return _with_rubric(questions).order_by("round", "difficulty", "key")


def _search(*, user: User, term: str) -> Q:
    """Learners search what they can see, the prompt; staff search the key and the rubric too.

    The key is a slug that often names the expected approach, so it is as secret as the rubric.
    """
    match = Q(current_version__prompt__icontains=term)
    if user.is_staff:
        match |= (Q(key__icontains=term) | Q(current_version__reference_answer__icontains=term)
                  | Q(current_version__key_points__icontains=term))  # key points carry their follow-ups
    return match


def question_get(*, user: User, pk: int) -> Question:
    """One question the user may see (404 for learners on drafts and retired questions)."""
    question = _with_rubric(questions_visible_to(user=user)).filter(pk=pk).first()
    if question is None:
        raise NotFound("Question not found.")
    return question


@dataclass(frozen=True)
class SimilarQuestion:
    question: Question
    similarity: float  # 1 - cosine distance, clamped to 0-1


def similar_questions(
    *,
    question: Question | None = None,
    text: str | None = None,
    vector: Sequence[float] | None = None,
    limit: int = 5,
    statuses: Sequence[str] | None = None,
    exclude: Question | None = None,
    min_similarity: float = 0.0,
) -> list[SimilarQuestion]:
    """The questions whose prompt is nearest to `question`'s (or to `text`, or to a prompt `vector`), best first.

    Similarity is 1 - cosine distance, clamped to 0-1. A question without a stored vector (just
    edited, the worker has not run yet) is embedded here, synchronously.
    """
    if sum(x is not None for x in (question, text, vector)) != 1:
        raise ValueError("Give exactly one of question, text or vector.")
    if question is not None:
        exclude = question
        vector = question.embedding
        if vector is None:
            text = question.current_version.prompt if question.current_version is not None else ""
    if text is not None:
        if not text.strip():
            return []
        from ml.embeddings import get_encoder

        vector = get_encoder().encode([text])[0]
    nearest = list(nearest_questions(vector=vector, exclude=exclude, statuses=statuses)[:limit])
    loaded = Question.objects.select_related("current_version").in_bulk([pk for pk, _ in nearest])
    results = [
        SimilarQuestion(loaded[pk], round(min(1.0, max(0.0, 1.0 - float(distance))), 4))
        for pk, distance in nearest
        if pk in loaded and loaded[pk].current_version_id
    ]
    return [r for r in results if r.similarity >= min_similarity]


def nearest_questions(
    *, vector: Any, exclude: Question | None = None, statuses: Sequence[str] | None = None
) -> QuerySet:
    """`(pk, cosine distance)` rows nearest to `vector`, on the question table alone.

    Kept free of joins so PostgreSQL can answer `ORDER BY embedding <=> v LIMIT k` from the HNSW
    index; the rows are loaded afterwards by primary key.
    """
    candidates = Question.objects.filter(embedding__isnull=False)
    if exclude is not None and exclude.pk:
        candidates = candidates.exclude(pk=exclude.pk)
    if statuses is not None:
        candidates = candidates.filter(status__in=statuses)
    return candidates.annotate(distance=CosineDistance("embedding", vector)).order_by("distance").values_list(
        "pk", "distance"
    )


def near_duplicates(*, vector: Sequence[float], exclude: Question | None = None) -> list[SimilarQuestion]:
    """Questions so close to a new prompt's `vector` that saving it would probably duplicate them."""
    return similar_questions(vector=vector, exclude=exclude, limit=5, min_similarity=NEAR_DUPLICATE_SIMILARITY)


def question_versions(*, question: Question) -> list[QuestionVersion]:
    return list(question.versions.select_related("created_by").order_by("-number"))


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add" | "remove" | "context" | "hunk" | "header"
    text: str


def version_document(version: QuestionVersion) -> list[str]:
    """A version as lines of text, section by section, so a diff reads like an edit of the rubric."""
    lines = ["# Prompt", *version.prompt.splitlines(), "", "# Key points"]
    for kp in version.key_points:
        lines.append(f"{format_weight(kp.get('weight', 1))} | {kp['text']}")
        if kp.get("follow_up"):
            lines.append(f"    follow-up: {kp['follow_up']}")
    lines += ["", "# Reference answer", *version.reference_answer.splitlines()]
    return lines


def version_diff(*, old: QuestionVersion, new: QuestionVersion) -> list[DiffLine]:
    """A unified diff of two versions; the template escapes every line."""
    diff = difflib.unified_diff(
        version_document(old), version_document(new), fromfile=f"v{old.number}", tofile=f"v{new.number}",
        lineterm="", n=3,
    )
    lines = []
    for line in diff:
        if line.startswith(("---", "+++")):
            kind = "header"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "context"
        lines.append(DiffLine(kind, line))
    return lines


@dataclass(frozen=True)
class QuestionStats:
    times_asked: int = 0
    scored: int = 0
    mean_score: float | None = None
    score_spread: float | None = None  # population standard deviation of the scores
    flagged: int = 0

    @property
    def flagged_share(self) -> float | None:
        return self.flagged / self.times_asked if self.times_asked else None


def _answer_model() -> Any | None:
    """The interviews app's Answer model when it exists with what the statistics need."""
    try:
        model = django_apps.get_model("interviews", "Answer")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if {"question_version", "score"} <= names else None


def question_stats(*, question_ids: Iterable[int]) -> dict[int, QuestionStats]:
    """Times asked, mean and spread of scores, flagged answers: one aggregate query for all `question_ids`.

    Follow-up answers belong to the question they follow up, so only first answers count as "asked".
    Questions nobody answered get empty statistics.
    """
    ids = list(question_ids)
    stats = {pk: QuestionStats() for pk in ids}
    answer = _answer_model()
    if answer is None or not ids:
        return stats
    names = {f.name for f in answer._meta.get_fields()}
    answers = answer.objects.filter(question_version__question_id__in=ids)
    if "parent" in names:
        answers = answers.filter(parent__isnull=True)
    flag_conditions = []
    if "flags" in names:
        flag_conditions.append(~Q(flags=[]))
    if "injection_suspected" in names:
        flag_conditions.append(Q(injection_suspected=True))
    flagged = Count("id", filter=reduce(operator.or_, flag_conditions)) if flag_conditions else Value(0)
    rows = answers.values("question_version__question_id").annotate(
        asked=Count("id"), scored=Count("score"), mean=Avg("score"), spread=StdDev("score"), flagged=flagged,
    )
    for row in rows:
        stats[row["question_version__question_id"]] = QuestionStats(
            times_asked=row["asked"], scored=row["scored"],
            mean_score=round(row["mean"], 1) if row["mean"] is not None else None,
            score_spread=round(row["spread"], 1) if row["spread"] is not None else None,
            flagged=row["flagged"],
        )
    return stats


def version_is_referenced(*, question: Question) -> bool:
    """Whether anything outside the question bank (answers, interviews) points at this question or its versions."""
    for model, lookup in ((QuestionVersion, "question"), (Question, None)):
        for relation in model._meta.related_objects:
            related = relation.related_model
            if related._meta.app_label == "questionbank":
                continue
            field = relation.field.name
            condition = {f"{field}__{lookup}": question} if lookup else {field: question}
            if related._default_manager.filter(**condition).exists():
                return True
    return False


def questions_export_rows(*, user: User, **filters: Any) -> list[dict[str, Any]]:
    return [question_as_row(q) for q in question_list(user=user, **filters)]


def draft_review_queue() -> QuerySet[Question]:
    """Every draft of the bank waiting for a staff decision (written by staff, imported or LLM-drafted),
    newest first; the creator is loaded for the "by" line."""
    return _with_rubric(
        Question.objects.bank().filter(status=Question.Status.DRAFT)
    ).select_related("created_by").order_by("-created_at")


def draft_jobs_recent(*, limit: int = 10) -> list[QuestionDraftJob]:
    return list(QuestionDraftJob.objects.select_related("skill", "created_by")[:limit])


def skill_get(*, slug: str) -> Skill:
    skill = Skill.objects.filter(slug=slug).first()
    if skill is None:
        raise NotFound(f"Unknown skill {slug!r}.")
    return skill


def skill_choices() -> list[tuple[str, str]]:
    return list(Skill.objects.order_by("name").values_list("slug", "name"))


def skills_by_category() -> list[tuple[str, list[Skill]]]:
    """Every skill with `bank_questions` (how many bank questions are tagged with it), grouped by category:
    one query whatever the number of skills."""
    skills = (
        Skill.objects.select_related("category")
        .annotate(bank_questions=Count("questions", filter=~Q(questions__source=Question.Source.RESUME)))
        .order_by("category__order", "category__name", "name")
    )
    groups: dict[str, list[Skill]] = {}
    for skill in skills:
        groups.setdefault(skill.category.name, []).append(skill)
    return list(groups.items())
def question_spec_for(version: QuestionVersion) -> QuestionSpec:
    """The grader's view of a version (plain `ml.grading` types): what `grade_answer` and the playground pass on."""
    from ml.grading.types import KeyPoint, QuestionSpec

    return QuestionSpec(
        prompt=version.prompt,
        key_points=tuple(KeyPoint.from_data(kp, i) for i, kp in enumerate(version.key_points)),
        reference_answer=version.reference_answer,
        round=version.question.round,
        red_flags=tuple(version.red_flags or ()),
    )
