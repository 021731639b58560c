"""What a resume service owes its learners: erase a resume with everything derived from its text,
export all of a learner's data, erase an account.

This app sits above the domain apps (it writes interviews', questionbank's and resumes' tables),
as the catalog loader does; the domain apps never import it. A resume deleted anywhere (its page,
the API, the admin) is erased with what was derived from it through the `resume_erasing` signal
(receivers.py).
"""

from __future__ import annotations

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError
from apps.interviews.models import Answer, Interview
from apps.interviews.services import interview_advance, interview_report_refresh
from apps.portfolio.models import PortfolioProject
from apps.questionbank.models import Question
from apps.resumes.models import Resume
from apps.resumes.services import resume_delete

logger = logging.getLogger(__name__)


def _erase_project_questions(interviews: list[Interview]) -> None:
    """Delete the LLM-written questions about a resume's projects, with the answers to them
    (their prompt, key points and grades repeat the question), and what the interview shows of them."""
    question_ids = [i.project_question_id for i in interviews if i.project_question_id]
    Answer.objects.filter(question_version__question_id__in=question_ids).delete()  # follow-ups cascade
    for interview in interviews:
        interview.refresh_from_db()  # answers it pointed at (current, awaited) are gone: SET_NULL ran
        current = interview.current_version
        if current is not None and current.question_id == interview.project_question_id:
            interview.current_version = None
            interview.current_parent = None
            interview.current_prompt = ""
            interview.current_key_points = []
        interview.resume = None
        interview.project_question = None
        interview.project_question_status = ""
        interview.project_question_error = ""
        interview.focus_skills = []
        interview.save(update_fields=[
            "current_version", "current_parent", "current_prompt", "current_key_points", "resume",
            "project_question", "project_question_status", "project_question_error", "focus_skills",
        ])
    Question.objects.filter(pk__in=question_ids, source=Question.Source.RESUME).delete()  # versions cascade
    for interview in interviews:
        if interview.is_active:
            interview_advance(interview_id=interview.pk)  # ask a bank question instead
        else:
            interview_report_refresh(interview=interview)  # the report without the erased answers


def _forget_admin_log(model: type, ids: list[object]) -> None:
    """Admin history names the objects it touched (a resume's file name, a user's email): erase it too."""
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=content_type, object_id__in=[str(i) for i in ids]).delete()


@transaction.atomic
def user_erase(*, user: User, password: str) -> None:
    """Delete the account and everything of it; 400 unless `password` is the account's password."""
    if not password or not user.check_password(password):
        raise ApplicationError("That is not your password; the account was not deleted.",
                               errors={"password": ["Wrong password."]})
    for resume in Resume.objects.filter(user=user):
        resume_delete(resume=resume)  # erase_resume_derived_data runs for each (receivers.py)
    # Interviews whose resume was deleted before the erasure existed may still hold a project question.
    _erase_project_questions(list(Interview.objects.filter(user=user, project_question__isnull=False)))
    _forget_admin_log(get_user_model(), [user.pk])
    _forget_admin_log(Interview, list(Interview.objects.filter(user=user).values_list("pk", flat=True)))
    _forget_admin_log(PortfolioProject, list(PortfolioProject.objects.filter(user=user).values_list("pk", flat=True)))
    for session_key in _sessions_of(user).values_list("pk", flat=True):  # the cached copy too
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key).delete()
    user_id = user.pk
    user.delete()  # cascades: progress, portfolio, interviews, answers, tokens, emails
    logger.info("account erased", extra={"user_id": user_id})


def _sessions_of(user: object):  # type: ignore[no-untyped-def]
    """The account's browser sessions (the user id is inside the encoded session data)."""
    user_id = str(user.pk)  # type: ignore[attr-defined]
    ids = [s.pk for s in Session.objects.iterator() if s.get_decoded().get("_auth_user_id") == user_id]
    return Session.objects.filter(pk__in=ids)
