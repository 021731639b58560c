"""Resume pages: upload (drag-and-drop or picker) with live progress, and the ranked roles with gaps."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.exceptions import ApplicationError, NotFound, Throttled
from apps.core.throttling import throttle_wait
from apps.resumes import selectors, services
from apps.resumes.models import Resume
from ml.llm import llm_configured

PROGRESS_STEPS = [
    Resume.Step.EXTRACTING, Resume.Step.REPAIRING, Resume.Step.SECTIONS, Resume.Step.SKILLS,
    Resume.Step.EMBEDDING, Resume.Step.MATCHING, Resume.Step.READY,
]


def _own_resume(request: HttpRequest, resume_id: int) -> Resume:
    try:
        return selectors.resume_get(user=request.user, resume_id=resume_id)
    except NotFound as exc:
        raise Http404 from exc


def _steps(resume: Resume) -> list[dict]:
    order = [s.value for s in PROGRESS_STEPS]
    current = order.index(resume.step) if resume.step in order else -1
    return [{"value": s.value, "label": s.label,
             "state": "done" if i < current or resume.step == Resume.Step.READY else
                      "current" if i == current else "todo"}
            for i, s in enumerate(PROGRESS_STEPS)]


@login_required
def resume_list(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            wait = throttle_wait(request, "uploads")  # the same budget as POST /api/v1/resumes/
            if wait is not None:
                raise Throttled(f"Too many uploads. Try again in {math.ceil(wait / 60)} minute(s).")
            if upload is None:
                raise ApplicationError("Choose a resume file to upload.")
            result = services.resume_upload(user=request.user, file=upload, filename=upload.name or "",
                                            size=upload.size)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            if result.duplicate:
                messages.info(request, services.DUPLICATE_MESSAGE)
            return redirect("resumes:detail", resume_id=result.resume.pk)
    resumes = selectors.resume_list(user=request.user)
    return render(request, "resumes/list.html", {"resumes": resumes}, status=status)


@login_required
def resume_detail(request: HttpRequest, resume_id: int) -> HttpResponse:
    resume = _own_resume(request, resume_id)
    context: dict = {"resume": resume, "steps": _steps(resume)}
    if resume.status == Resume.Status.READY:
        result = selectors.resume_match_result(resume=resume, k=10, companies=5)
        context.update(matches=result.roles, companies=result.companies, llm_configured=llm_configured(),
                       skills=selectors.resume_skills(resume=resume),
                       best=max((m.score.score for m in result.roles), default=0))
    return render(request, "resumes/detail.html", context)


@login_required
def resume_status(request: HttpRequest, resume_id: int) -> HttpResponse:
    """The progress fragment htmx polls; once processing ends it asks htmx to reload the page."""
    resume = _own_resume(request, resume_id)
    response = render(request, "resumes/_progress.html", {"resume": resume, "steps": _steps(resume)})
    if resume.status != Resume.Status.PROCESSING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def resume_delete(request: HttpRequest, resume_id: int) -> HttpResponse:
    resume = _own_resume(request, resume_id)
    services.resume_delete(resume=resume)
    messages.success(request, f"Deleted “{resume.filename}”, its text, its vectors and the interview questions written from it.")
    return redirect("resumes:list")
