"""Question bank services: create, edit (versioned), publish/retire, delete, import, embeddings, LLM drafts.

An edit of the rubric (prompt, key points, reference answer, follow-up hints) makes a new immutable
`QuestionVersion` and moves `current_version`; answers keep the version they were graded against.
Round, difficulty, skills and status change in place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError, Conflict
from apps.questionbank import selectors
from apps.questionbank.models import Question, QuestionDraftJob, QuestionVersion
from apps.questionbank.validation import (
    IN_PLACE_FIELDS,
    RUBRIC_FIELDS,
    carry_key_point_ids,
    clean_question_fields,
)
from apps.roadmap.models import Skill

if TYPE_CHECKING:
    from ml.grading.types import Grade, QuestionSpec

logger = logging.getLogger(__name__)

MAX_TRY_CHARS = 20000


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


# --- embeddings --------------------------------------------------------------------------------

def question_embedding_text(question: Question) -> str:
    return question.current_version.prompt if question.current_version_id else ""


def question_embedding_refresh(*, question_id: int) -> bool:
    """Embed the question's current prompt. Returns False when the question is gone or has no prompt."""
    from ml.embeddings import get_encoder

    question = Question.objects.select_related("current_version").filter(pk=question_id).first()
    if question is None or not question.current_version_id:
        return False
    question.embedding = get_encoder().encode([question_embedding_text(question)])[0].tolist()
    question.save(update_fields=["embedding"])
    return True


def questions_embed_missing(*, batch_size: int = 64) -> int:
    """Embed questions whose current prompt has no vector yet (or changed). Returns how many."""
    from ml.embeddings import get_encoder

    pending = list(
        Question.objects.bank().select_related("current_version").filter(current_version__isnull=False,
                                                                         embedding__isnull=True)
    )
    if not pending:
        return 0
    encoder = get_encoder()
    for start in range(0, len(pending), batch_size):
        chunk = pending[start : start + batch_size]
        vectors = encoder.encode([question_embedding_text(q) for q in chunk])
        for question, vector in zip(chunk, vectors, strict=True):
            question.embedding = vector.tolist()
        Question.objects.bulk_update(chunk, ["embedding"])
    return len(pending)


def _embed_after_commit(question_ids: Sequence[int] | None = None) -> None:
    """Queue re-embedding for when the transaction commits (queue "documents"); the web request never waits."""
    from apps.questionbank import tasks

    if question_ids is None:
        transaction.on_commit(lambda: tasks.questions_embed_missing_task.delay())
    else:
        for question_id in question_ids:
            transaction.on_commit(lambda pk=question_id: tasks.question_embed_task.delay(pk))


# --- create / edit ---------------------------------------------------------------------------------

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
        question.current_version = QuestionVersion.objects.create(
            question=question, number=number, created_by=user, **rubric
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


# --- grading ---------------------------------------------------------------------------------------

def question_spec_for(version: QuestionVersion) -> QuestionSpec:
    """The grader's view of a version (plain `ml.grading` types): what `grade_answer` and the playground pass on."""
    from ml.grading.types import KeyPoint, QuestionSpec

    return QuestionSpec(
        prompt=version.prompt,
        key_points=tuple(KeyPoint.from_data(kp, i) for i, kp in enumerate(version.key_points)),
        reference_answer=version.reference_answer,
        round=version.question.round,
    )


def question_try(*, question: Question, text: str, version: QuestionVersion | None = None) -> Grade:
    """The rubric playground: the grade `text` would get against the question's rubric. Nothing is stored."""
    from ml.grading.rubric import grade_with_rubric

    if not isinstance(text, str) or not text.strip():
        raise ApplicationError("Write an answer to try.", errors={"text": ["Write an answer to try."]})
    if len(text) > MAX_TRY_CHARS:
        message = f"An answer may be at most {MAX_TRY_CHARS} characters."
        raise ApplicationError(message, errors={"text": [message]})
    version = version or question.current_version
    if version is None:
        raise Conflict("This question has no rubric yet.")
    return grade_with_rubric(question_spec_for(version), text)


# --- import ----------------------------------------------------------------------------------------

@dataclass
class ImportRowOutcome:
    row: int  # 1-based position of the question in the file (a CSV header does not count)
    action: str  # "created" | "updated" | "skipped" | "error"
    key: str = ""
    prompt: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRowOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [{"row": r.row, "errors": r.errors} for r in self.rows if r.action == "error"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.count("created"), "updated": self.count("updated"), "skipped": self.count("skipped"),
            "errors": self.errors, "dry_run": self.dry_run,
        }


class _DryRunRollback(Exception):
    pass


def questions_import(*, rows: Sequence[Any], user: User | None, dry_run: bool = False) -> ImportReport:
    """Create or update questions from import rows; invalid rows are reported (row number + reason), not written.

    A row matches an existing question by `key` when it has one, else by its exact prompt; a row that
    changes nothing is skipped, so importing the same file twice creates nothing. `dry_run` does all
    the work inside a transaction that is rolled back, so its counts are exactly what an import would do.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_rows(rows, user=user, report=report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _import_rows(rows: Sequence[Any], *, user: User | None, report: ImportReport) -> None:
    known_skills = _known_skills()
    by_key = {q.key: q for q in Question.objects.select_related("current_version").prefetch_related("skills")}
    by_prompt: dict[str, Question] = {}
    for question in sorted(by_key.values(), key=lambda q: q.pk):
        if question.current_version_id:
            by_prompt.setdefault(question.current_version.prompt.strip(), question)
    seen: dict[str, int] = {}
    touched = False
    for number, row in enumerate(rows, start=1):
        outcome = ImportRowOutcome(row=number, action="error")
        report.rows.append(outcome)
        if not isinstance(row, Mapping):
            outcome.errors = {"non_field_errors": ["Each question must be an object with prompt, round and key points."]}
            continue
        outcome.key = str(row.get("key") or "")[:120]
        outcome.prompt = str(row.get("prompt") or "")[:120]
        try:
            data = clean_question_fields(row, known_skills=known_skills)
        except ValidationError as exc:
            outcome.errors = exc.message_dict
            continue
        identity = f"key:{data['key']}" if data.get("key") else f"prompt:{data['prompt']}"
        if identity in seen:
            what = "key" if data.get("key") else "prompt"
            outcome.errors = {what: [f"Row {seen[identity]} already has this {what}."]}
            continue
        seen[identity] = number
        existing = by_key.get(data["key"]) if data.get("key") else by_prompt.get(data["prompt"])
        try:
            with transaction.atomic():
                if existing is None:
                    question = question_create(
                        user=user, source=Question.Source.IMPORTED, statuses=Question.Status.values, embed=False,
                        **{"status": Question.Status.DRAFT, "difficulty": 2, **data},
                    )
                    by_key[question.key] = question
                    outcome.action, outcome.key = "created", question.key
                    touched = True
                elif any(question_changes(question=existing, data=data).values()):
                    fields = {k: v for k, v in data.items() if k != "key"}
                    updated = question_update(question=existing, user=user, **fields)
                    by_key[updated.key] = updated
                    outcome.action, outcome.key = "updated", existing.key
                    touched = True
                else:
                    outcome.action, outcome.key = "skipped", existing.key
        except ApplicationError as exc:
            outcome.action, outcome.errors = "error", exc.errors or {"non_field_errors": [exc.message]}
    if touched:
        # One batch embedding job for the whole file instead of a task per question.
        _embed_after_commit(None)


# --- LLM-drafted questions -------------------------------------------------------------------------

def llm_configured() -> bool:
    return (settings.LLM_BACKEND or "none").lower() != "none"


@transaction.atomic
def question_drafts_request(
    *, user: User | None, skill: Skill, round: str, difficulty: int = 2, count: int = 5
) -> QuestionDraftJob:
    """Ask the LLM (in the "llm" Celery queue) for `count` draft questions on `skill`; staff review them."""
    if not llm_configured():
        raise Conflict("No LLM backend is configured (LLM_BACKEND=none), so questions cannot be drafted.")
    job = QuestionDraftJob(skill=skill, round=round, difficulty=difficulty, count=count, created_by=user)
    try:
        job.full_clean()
    except ValidationError as exc:
        raise _invalid(exc) from None
    job.save()
    from apps.questionbank import tasks

    transaction.on_commit(lambda: tasks.question_drafts_generate_task.delay(job.pk))
    return job


DRAFT_SYSTEM_PROMPT = (
    "You write interview questions for LLM and ML engineering candidates, with grading rubrics. "
    "Each question has a precise prompt, 3 to 6 key points (each ONE checkable idea stated as a full, "
    "self-contained sentence a strong answer would contain, weight 1-3 where 3 is essential), a model "
    "reference answer in Markdown of 80-250 words, and for each key point a follow-up question that "
    "probes that point without giving the answer away. "
    "Reply with JSON only."
)


def draft_json_schema(count: int) -> dict[str, Any]:
    """What the LLM must return; strict-mode friendly (every property required, nothing extra)."""
    key_point = {
        "type": "object",
        "properties": {"text": {"type": "string"}, "weight": {"type": "integer", "minimum": 1, "maximum": 3},
                       "follow_up": {"type": "string"}},
        "required": ["text", "weight", "follow_up"],
        "additionalProperties": False,
    }
    question = {
        "type": "object",
        "properties": {
            "prompt": {"type": "string"},
            "difficulty": {"type": "integer", "minimum": 1, "maximum": 3},
            "key_points": {"type": "array", "minItems": 3, "maxItems": 6, "items": key_point},
            "reference_answer": {"type": "string"},
        },
        "required": ["prompt", "difficulty", "key_points", "reference_answer"],
        "additionalProperties": False,
    }
    return {
        "title": "question_drafts",
        "type": "object",
        "properties": {"questions": {"type": "array", "minItems": 1, "maxItems": count, "items": question}},
        "required": ["questions"],
        "additionalProperties": False,
    }


def _draft_messages(job: QuestionDraftJob, avoid: Sequence[str]) -> list[dict[str, str]]:
    lines = [
        f"Write {job.count} new interview question(s) for the {job.get_round_display()} round "
        f"about the skill \"{job.skill.name}\" ({', '.join(job.skill.synonyms[:8]) or job.skill.slug}).",
        f"Difficulty {job.difficulty} on a 1-3 scale.",
    ]
    if avoid:
        lines.append("Do not repeat these existing questions:")
        lines += [f"- {prompt[:200]}" for prompt in avoid[:15]]
    return [{"role": "system", "content": DRAFT_SYSTEM_PROMPT}, {"role": "user", "content": "\n".join(lines)}]


def question_drafts_generate(*, job_id: int, final_attempt: bool = True) -> QuestionDraftJob:
    """Run a draft job: one LLM call with a JSON schema; valid questions are stored as drafts.

    Idempotent (a finished job returns at once). When the LLM is unreachable and this is not the
    final attempt, `LLMUnavailable` propagates so the task retries later with back-off.
    """
    from ml.llm import LLMError, LLMUnavailable, get_llm

    job = QuestionDraftJob.objects.select_related("skill", "created_by").get(pk=job_id)
    if job.status in (QuestionDraftJob.Status.DONE, QuestionDraftJob.Status.FAILED):
        return job
    job.status = QuestionDraftJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        llm = get_llm()
    except LLMError as exc:
        return _draft_job_finish(job, error=f"The LLM backend is misconfigured: {exc}")
    if llm is None:
        return _draft_job_finish(job, error="No LLM backend is configured.")
    existing = list(
        Question.objects.bank().filter(skills=job.skill, current_version__isnull=False)
        .values_list("current_version__prompt", flat=True)[:15]
    )
    try:
        # The backend applies LLM_TIMEOUT_S to every request and retries a few times itself.
        result = llm.chat(_draft_messages(job, existing), json_schema=draft_json_schema(job.count),
                          max_tokens=min(4096, 700 * job.count))
    except LLMUnavailable as exc:
        if final_attempt:
            return _draft_job_finish(job, error=f"The LLM could not be reached: {exc}")
        job.status, job.error = QuestionDraftJob.Status.QUEUED, f"Retrying: {exc}"
        job.save(update_fields=["status", "error"])
        raise
    except LLMError as exc:
        return _draft_job_finish(job, error=f"The LLM's reply was not usable: {exc}")
    items = result.parsed.get("questions") if isinstance(result.parsed, Mapping) else None
    if not isinstance(items, list) or not items:
        return _draft_job_finish(job, error="The LLM did not return questions in the expected JSON shape.")
    problems: list[str] = []
    created = 0
    for number, item in enumerate(items[: job.count], start=1):
        if not isinstance(item, Mapping):
            problems.append(f"Draft {number}: not an object.")
            continue
        fields = {k: item[k] for k in ("prompt", "key_points", "reference_answer") if k in item}
        try:
            with transaction.atomic():
                question_create(
                    user=job.created_by, round=job.round, difficulty=_draft_difficulty(item, job.difficulty),
                    skills=[job.skill.slug], status=Question.Status.DRAFT, source=Question.Source.LLM_DRAFTED,
                    key=_unique_key(f"draft-{job.skill.slug}-{str(fields.get('prompt', ''))[:40]}"),
                    **{"prompt": "", "key_points": [], **fields},
                )
            created += 1
        except ApplicationError as exc:
            problems.append(f"Draft {number}: {exc.message}")
    return _draft_job_finish(job, created=created, error="\n".join(problems))


def _draft_difficulty(item: Mapping[str, Any], default: int) -> int:
    value = item.get("difficulty")
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 3 else default


def _draft_job_finish(job: QuestionDraftJob, *, created: int = 0, error: str = "") -> QuestionDraftJob:
    job.status = QuestionDraftJob.Status.DONE if created else QuestionDraftJob.Status.FAILED
    job.created_count = created
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "created_count", "error", "finished_at"])
    return job
