"""LLM-drafted questions: a staff request queues one job on the "llm" queue; valid drafts are stored
for review. The prompt and the reply's JSON schema are in `ml/prompts/question_drafts_v1.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError, Conflict
from apps.core.metrics import llm_errors_counted
from apps.questionbank.models import Question, QuestionDraftJob
from apps.questionbank.services.questions import _invalid, _unique_key, question_create
from apps.roadmap.models import Skill
from ml.llm import Message, llm_configured
from ml.prompts.question_drafts_v1 import DRAFT_SYSTEM_PROMPT, draft_json_schema


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


def _draft_messages(job: QuestionDraftJob, avoid: Sequence[str]) -> list[Message]:
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
        with llm_errors_counted("question_drafts"):
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
