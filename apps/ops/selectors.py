"""Reads for the operations page: recent failures across the apps and the last catalog load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apps.catalog.models import CatalogLoad
from apps.interviews.models import Answer, Interview, ProjectQuestionStatus
from apps.questionbank.models import QuestionDraftJob
from apps.resumes.models import Resume


@dataclass(frozen=True)
class Failure:
    at: datetime
    what: str  # a human label: "Answer grading", "Resume processing", ...
    detail: str


def last_catalog_load() -> CatalogLoad | None:
    return CatalogLoad.objects.order_by("-started_at").first()


def recent_failures(*, limit: int = 20) -> list[Failure]:
    """The newest failures of background work, newest first: answers whose grading failed or whose
    LLM refinement hit an error, resumes that could not be processed, LLM question drafts and resume
    project questions that failed. One query per kind, `limit` rows each at most."""
    failures: list[Failure] = []
    answers = (Answer.objects.exclude(error_kind=Answer.ErrorKind.NONE)
               .order_by("-created_at").only("created_at", "grading_status", "error_kind", "error_message")[:limit])
    for answer in answers:
        what = "Answer grading" if answer.grading_status == Answer.GradingStatus.FAILED else "LLM judge"
        failures.append(Failure(answer.created_at, what,
                                f"{answer.get_error_kind_display()}: {answer.error_message}"))
    for resume in (Resume.objects.filter(status=Resume.Status.FAILED).order_by("-created_at")
                   .only("created_at", "error")[:limit]):
        failures.append(Failure(resume.created_at, "Resume processing", resume.error))
    for job in (QuestionDraftJob.objects.filter(status=QuestionDraftJob.Status.FAILED).order_by("-created_at")
                .only("created_at", "error")[:limit]):
        failures.append(Failure(job.created_at, "LLM question drafts", job.error))
    for interview in (Interview.objects.filter(project_question_status=ProjectQuestionStatus.FAILED)
                      .order_by("-started_at").only("started_at", "project_question_error")[:limit]):
        failures.append(Failure(interview.started_at, "Resume project question", interview.project_question_error))
    return sorted(failures, key=lambda f: f.at, reverse=True)[:limit]
