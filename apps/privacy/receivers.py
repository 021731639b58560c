"""A resume deleted anywhere takes with it what was derived from its text (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.careers.free_terms import free_terms_forget
from apps.interviews.models import Interview
from apps.privacy.services import _erase_project_questions, _forget_admin_log
from apps.resumes.models import Resume
from apps.resumes.signals import resume_erasing


@receiver(resume_erasing)
def erase_resume_derived_data(sender: Any, *, resume: Resume, **kwargs: Any) -> None:
    """The question an LLM wrote about a project named on the resume, the answers to it, what the
    interviews show of it, and the admin history naming the resume (runs inside the delete's transaction)."""
    interviews = list(Interview.objects.select_for_update().filter(resume=resume))
    _erase_project_questions(interviews)
    _forget_admin_log(Resume, [resume.pk])
    free_terms_forget(text=resume.text, source="resume")  # the resume's own words leave the free-term list
