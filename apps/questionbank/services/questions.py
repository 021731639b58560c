"""Creating and editing questions (versioned), publishing/retiring and deleting them.

An edit of the rubric (prompt, key points, reference answer, follow-up hints) makes a new immutable
`QuestionVersion` and moves `current_version`; answers keep the version they were graded against.
Round, difficulty, skills and status change in place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError, Conflict
from apps.questionbank import selectors
from apps.questionbank.models import Question, QuestionVersion
from apps.questionbank.services.embedding import _embed_after_commit
from apps.questionbank.validation import (
    IN_PLACE_FIELDS,
    RUBRIC_FIELDS,
    carry_key_point_ids,
    clean_question_fields,
)
from apps.roadmap.models import Skill

logger = logging.getLogger(__name__)


def _invalid(exc: ValidationError) -> ApplicationError:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    first_field, messages = next(iter(errors.items()))
    where = "" if first_field == "non_field_errors" else f"{first_field.replace('_', ' ')}: "
    return ApplicationError(f"Invalid question: {where}{messages[0]}", errors=errors)


def _known_skills() -> set[str]:
    return set(Skill.objects.values_list("slug", flat=True))


def _unique_key(base: str) -> str:
    stem = (slugify(base)[:60].strip("-") or "question")
    taken = set(Question.objects.filter(key__startswith=stem).values_list("key", flat=True))
    if stem not in taken:
        return stem
    suffix = 2
    while f"{stem}-{suffix}" in taken:
        suffix += 1
    return f"{stem}-{suffix}"


@transaction.atomic
def question_create(
    *,
    user: User | None,
    prompt: str,
    round: str,
    key_points: Any,
    difficulty: int = 2,
    skills: Iterable[str] = (),
    reference_answer: str = "",
    follow_up_hints: Any = None,  # the older shape: one hint per key point, in order
    status: str = Question.Status.DRAFT,
    key: str | None = None,
    source: str = Question.Source.AUTHORED,
    statuses: Sequence[str] = (Question.Status.DRAFT, Question.Status.PUBLISHED),
    prompt_embedding: Sequence[float] | None = None,
    embed: bool = True,
) -> Question:
    """A new question with its first version. `prompt_embedding` (from the duplicate check) saves re-embedding."""
    raw = {
        "key": key, "prompt": prompt, "round": round, "key_points": key_points, "difficulty": difficulty,
        "skills": skills if isinstance(skills, str) else list(skills), "reference_answer": reference_answer,
        "status": status,
    }
    if follow_up_hints:
        raw["follow_up_hints"] = follow_up_hints
    try:
        data = clean_question_fields(raw, known_skills=_known_skills(), statuses=statuses)
    except ValidationError as exc:
        raise _invalid(exc) from None
    if data.get("key") and Question.objects.filter(key=data["key"]).exists():
        raise ApplicationError(
            f"A question with the key {data['key']!r} already exists.", errors={"key": ["This key is taken."]}
        )
    question = Question(
        key=data.get("key") or _unique_key(data["prompt"]), round=data["round"], difficulty=data["difficulty"],
        status=data["status"], source=source, created_by=user,
        embedding=list(prompt_embedding) if prompt_embedding is not None else None,
    )
    question.full_clean(exclude=["current_version", "embedding", "skills"])
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:  # another editor took the same derived key a moment ago
        raise Conflict("A question with this key was just created; save again.") from None
    rubric = {name: data[name] for name in RUBRIC_FIELDS if name in data}
    rubric["key_points"] = carry_key_point_ids(rubric["key_points"])
    version = QuestionVersion.objects.create(question=question, number=1, created_by=user, **rubric)
    question.current_version = version
    question.save(update_fields=["current_version"])
    if data["skills"]:
        question.skills.set(Skill.objects.filter(slug__in=data["skills"]))
    if prompt_embedding is None and embed:
        _embed_after_commit([question.pk])
    return question


def question_changes(*, question: Question, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Which cleaned fields differ from the question: `{"rubric": [...], "in_place": [...]}`."""
    current = question.current_version
    if "key_points" in data and current is not None:
        # Points sent without ids continue the current ones (same or similar text): compare like with like.
        data = {**data, "key_points": carry_key_point_ids(data["key_points"], current.key_points)}
    rubric = [
        name for name in RUBRIC_FIELDS
        if name in data and (current is None or getattr(current, name) != data[name])
    ]
    in_place = [name for name in IN_PLACE_FIELDS if name in data and name != "skills"
                and getattr(question, name) != data[name]]
    if "skills" in data and sorted(s.slug for s in question.skills.all()) != sorted(data["skills"]):
        in_place.append("skills")
    return {"rubric": rubric, "in_place": in_place}


@transaction.atomic
def question_update(
    *, question: Question, user: User | None, prompt_embedding: Sequence[float] | None = None, **fields: Any
) -> Question:
    """Edit a question: a rubric change makes a new version; round/difficulty/skills/status/key change in place."""
    try:
        data = clean_question_fields(fields, known_skills=_known_skills() if "skills" in fields else None, partial=True)
    except ValidationError as exc:
        raise _invalid(exc) from None
    # Lock the row so two editors cannot both create version N+1.
    question = (
        Question.objects.select_for_update(of=("self",)).select_related("current_version")
        .prefetch_related("skills").get(pk=question.pk)
    )
    if "key_points" in data:
        previous = [kp for v in question.versions.order_by("number") for kp in v.key_points]
        current_points = question.current_version.key_points if question.current_version else []
        # The current version's points first, so an edited point keeps its current id.
        data["key_points"] = carry_key_point_ids(data["key_points"], [*current_points, *previous])
    if "key" in data and data["key"] != question.key and Question.objects.filter(key=data["key"]).exists():
        raise ApplicationError(f"A question with the key {data['key']!r} already exists.",
                               errors={"key": ["This key is taken."]})
    changes = question_changes(question=question, data=data)
    update_fields: list[str] = []
    if changes["rubric"]:
        current = question.current_version
        rubric = {name: data.get(name, getattr(current, name) if current else "") for name in RUBRIC_FIELDS}
        if not rubric["prompt"] or not rubric["key_points"]:
            raise ApplicationError("A question needs a prompt and key points.")
        number = (question.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        # Red flags are curated with the catalog (data/questions/red_flags/) and the admin, not in the
        # editor: an edit of the prompt or key points keeps them.
        question.current_version = QuestionVersion.objects.create(
            question=question, number=number, created_by=user, red_flags=current.red_flags if current else [], **rubric
        )
        update_fields.append("current_version")
        if "prompt" in changes["rubric"]:
            question.embedding = list(prompt_embedding) if prompt_embedding is not None else None
            update_fields.append("embedding")
            if prompt_embedding is None:
                _embed_after_commit([question.pk])
    for name in changes["in_place"]:
        if name != "skills":
            setattr(question, name, data[name])
            update_fields.append(name)
    if "status" in update_fields and question.status == Question.Status.PUBLISHED and not question.current_version_id:
        raise ApplicationError("A question without a rubric cannot be published.")
    if update_fields:
        question.full_clean(exclude=["current_version", "embedding", "skills"])
        question.save(update_fields=[*update_fields, "updated_at"])
    if "skills" in changes["in_place"]:
        question.skills.set(Skill.objects.filter(slug__in=data["skills"]))
    return question


@transaction.atomic
def question_set_status(*, question_ids: Iterable[int], status: str, user: User | None) -> int:
    """Publish, retire or un-publish many questions at once. Returns how many changed."""
    if status not in Question.Status.values:
        raise ApplicationError(f"Unknown status {status!r}.", errors={"status": ["Unknown status."]})
    questions = Question.objects.bank().filter(pk__in=list(question_ids)).exclude(status=status)
    if status == Question.Status.PUBLISHED:
        questions = questions.filter(current_version__isnull=False)
    changed = questions.update(status=status, updated_at=timezone.now())
    logger.info("questions status changed", extra={"status": status, "count": changed, "user": getattr(user, "pk", None)})
    return changed


@transaction.atomic
def question_delete(*, question: Question, user: User | None) -> str:
    """Delete a question nobody answered; retire it instead when answers or interviews refer to it.

    Returns "deleted" or "retired".
    """
    question = Question.objects.select_for_update(of=("self",)).get(pk=question.pk)
    if selectors.version_is_referenced(question=question):
        if question.status != Question.Status.RETIRED:
            question.status = Question.Status.RETIRED
            question.save(update_fields=["status", "updated_at"])
        return "retired"
    # current_version points into the versions being deleted; clear it first so the delete order is simple.
    Question.objects.filter(pk=question.pk).update(current_version=None)
    question.delete()
    logger.info("question deleted", extra={"question": question.key, "user": getattr(user, "pk", None)})
    return "deleted"
