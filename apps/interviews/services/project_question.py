"""A question about a project named on the resume (resume interviews, with an LLM)."""

from __future__ import annotations

import logging

from django.db import transaction

from apps.careers.models import InterviewRound
from apps.core.exceptions import ApplicationError
from apps.core.metrics import llm_errors_counted
from apps.interviews.models import Interview, ProjectQuestionStatus
from apps.questionbank.models import Question

logger = logging.getLogger(__name__)


def _project_question_finish(interview: Interview, *, error: str) -> Interview:
    interview.project_question_status = ProjectQuestionStatus.FAILED
    interview.project_question_error = error[:300]
    interview.save(update_fields=["project_question_status", "project_question_error"])
    return interview


def interview_project_question_write(*, interview_id: int, final_attempt: bool = True) -> Interview:
    """Ask the LLM for one question about a project the interview's resume names; the interview asks
    it as its next main question once it is ready. Idempotent (only a pending request runs).

    The resume is data to the LLM (fenced, and screener lines were removed at processing); the reply
    must name a project that is on the resume, or nothing is stored. An unreachable LLM propagates
    `LLMUnavailable` (the task retries) until the final attempt, which gives up: the interview goes on
    with bank questions either way.
    """
    from apps.questionbank.services import question_create
    from apps.roadmap.selectors import skill_matcher
    from ml.interviewer import ProjectQuestionError, write_project_question
    from ml.llm import LLMError, LLMUnavailable, get_llm

    interview = Interview.objects.select_related("resume").get(pk=interview_id)
    if interview.project_question_status != ProjectQuestionStatus.PENDING:
        return interview
    if interview.resume is None:
        return _project_question_finish(interview, error="The resume was deleted.")
    if not interview.is_active:
        return _project_question_finish(interview, error="The interview ended before the question was written.")
    try:
        llm = get_llm()
    except LLMError as exc:
        return _project_question_finish(interview, error=f"The LLM backend is misconfigured: {exc}")
    if llm is None:
        return _project_question_finish(interview, error="No LLM backend is configured.")
    round_ = interview.round if interview.round in InterviewRound.values else InterviewRound.LLM_DEEP_DIVE
    try:
        with llm_errors_counted("project_question"):
            written = write_project_question(interview.resume.sections or {},
                                             round_label=InterviewRound(round_).label, llm=llm)
    except LLMUnavailable as exc:
        if final_attempt:
            return _project_question_finish(interview, error=f"The LLM could not be reached: {exc}")
        raise
    except ProjectQuestionError as exc:
        return _project_question_finish(interview, error=str(exc))
    except LLMError as exc:
        return _project_question_finish(interview, error=f"The LLM's reply was not usable: {exc}")
    found = skill_matcher().find(" ".join([written.prompt, *(str(p["text"]) for p in written.key_points)]))
    owned = set(interview.focus_skills)
    skills = [slug for slug in found if slug in owned] or list(found)
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview_id)
        if interview.project_question_status != ProjectQuestionStatus.PENDING:  # a redelivered task got here first
            return interview
        try:
            question = question_create(
                user=interview.user, round=round_, difficulty=interview.difficulty, skills=skills[:5],
                status=Question.Status.DRAFT, source=Question.Source.RESUME, embed=False,
                key=f"resume-{interview.pk}-project", prompt=written.prompt, key_points=written.key_points,
                reference_answer=written.reference_answer,
            )
        except ApplicationError as exc:
            return _project_question_finish(interview, error=f"The LLM's question was not usable: {exc.message}")
        interview.project_question = question
        interview.project_question_status = ProjectQuestionStatus.READY
        interview.project_question_error = ""
        interview.save(update_fields=["project_question", "project_question_status", "project_question_error"])
    logger.info("interview %s: project question on %r ready", interview.pk, written.project)
    return interview
