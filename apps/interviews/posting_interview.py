"""A mock interview aimed at a job posting the learner compared their resume with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.careers.models import JobRole
from apps.core.exceptions import ApplicationError, NotFound
from apps.resumes import compare
from apps.resumes.models import PostingComparison

if TYPE_CHECKING:
    from apps.accounts.models import User


def comparison_interview_start(*, user: User, comparison: PostingComparison):  # type: ignore[no-untyped-def]
    """A mock interview aimed at the posting: its closest catalog role's loop, on the posting's skills
    (the resume's matching ones first, then the missing ones), through the interviews app's own service."""
    from apps.interviews.models import LOOP
    from apps.interviews.services import interview_start

    result = comparison.result
    role = JobRole.objects.filter(pk=result.get("closest_role")).first()
    focus = [*result.get("matched_skills", []), *result.get("missing_skills", [])]
    return interview_start(user=user, round=LOOP if role else "llm_deep_dive", role=role, resume=comparison.resume,
                           num_questions=5, focus_skills=focus or None)



@login_required
@require_POST
def comparison_interview(request: HttpRequest, comparison_id: int) -> HttpResponse:
    try:
        comparison = compare.comparison_get(user=request.user, comparison_id=comparison_id)
    except NotFound as exc:
        raise Http404 from exc
    try:
        interview = comparison_interview_start(user=request.user, comparison=comparison)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("resumes:comparison", comparison_id=comparison.pk)
    return redirect("interviews:detail", interview_id=interview.pk)
