"""The review page: key points due today as short prompts; each answer is graded in the background."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.exceptions import ApplicationError, NotFound
from apps.interviews import review

NOTHING_NEW = 204


def _with_prompts(items):  # type: ignore[no-untyped-def]
    items = list(items)
    for item in items:
        item.prompt = review.review_prompt(item)
    return items


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    today = review.review_today()
    return render(request, "interviews/review.html", {
        "today": today,
        "due": _with_prompts(review.review_due_for(user=request.user, today=today)),
        "upcoming": list(review.review_upcoming_for(user=request.user, today=today)[:20]),
        "recent": review.review_recent_for(user=request.user),
    })


@login_required
@require_POST
def review_answer(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        attempt = review.review_attempt_submit(user=request.user, item_id=item_id, text=request.POST.get("text", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        if request.htmx:
            item = review.review_item_get_for(user=request.user, item_id=item_id)
            return render(request, "interviews/_review_form.html",
                          {"item": item, "error": exc.message, "text": request.POST.get("text", "")})
        messages.error(request, exc.message)
        return redirect("interviews:review")
    if not request.htmx:
        return redirect("interviews:review")
    attempt = review.review_attempt_get_for(user=request.user, attempt_id=attempt.pk)
    return render(request, "interviews/_review_attempt.html", {"attempt": attempt})


@login_required
def review_attempt_status(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """A review answer's result; the card polls it (204 while its grading status is unchanged)."""
    try:
        attempt = review.review_attempt_get_for(user=request.user, attempt_id=attempt_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.GET.get("since") == attempt.grading_status:
        return HttpResponse(status=NOTHING_NEW)
    return render(request, "interviews/_review_attempt.html", {"attempt": attempt})
