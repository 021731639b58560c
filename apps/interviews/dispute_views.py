"""Dispute pages: a learner disputes a grade and follows it; staff review disputes per question,
resolve them, and download the resolved ones as grading-corpus YAML."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.exceptions import ApplicationError, NotFound
from apps.core.permissions import staff_page
from apps.interviews import disputes, selectors
from apps.interviews.models import Dispute
from apps.questionbank.models import Question


def _back_to_answer(answer) -> str:  # type: ignore[no-untyped-def]
    """Where the learner reads the answer: the report of a finished interview, else the interview."""
    name = "interviews:report" if not answer.interview.is_active else "interviews:detail"
    return reverse(name, args=[answer.interview_id]) + f"#answer-{answer.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def dispute_create(request: HttpRequest, answer_id: int) -> HttpResponse:
    try:
        answer = selectors.answer_get_for(user=request.user, answer_id=answer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    latest = disputes.disputes_by_answer(answer_ids=[answer.pk]).get(answer.pk)
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        try:
            disputes.dispute_open(user=request.user, answer=answer, key_point_id=request.POST.get("key_point", ""),
                                  reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            error, errors = exc.message, exc.errors or {}
        else:
            messages.success(request, "Thank you: your dispute is with our reviewers. You will see the outcome here "
                                      "and on your report.")
            return redirect("interviews:disputes")
    return render(request, "interviews/dispute_form.html", {
        "answer": answer, "latest": latest, "error": error, "errors": errors, "back": _back_to_answer(answer),
        "chosen": request.POST.get("key_point", ""), "reason": request.POST.get("reason", ""),
    }, status=400 if error else 200)


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    return render(request, "interviews/dispute_list.html", {
        "disputes": list(disputes.disputes_for_learner(user=request.user)),
    })


@staff_page
def staff_dispute_questions(request: HttpRequest) -> HttpResponse:
    rows = disputes.disputed_questions()
    return render(request, "interviews/staff_disputes.html", {
        "rows": rows, "open_total": sum(r.open for r in rows), "resolved_total": sum(r.resolved for r in rows),
    })


@staff_page
def staff_question_disputes(request: HttpRequest, question_id: int) -> HttpResponse:
    question = Question.objects.select_related("current_version").filter(pk=question_id).first()
    if question is None:
        raise Http404("Question not found.")
    items = list(disputes.disputes_for_staff(question_id=question_id))
    if not items:
        raise Http404("No disputes on this question.")
    return render(request, "interviews/staff_question_disputes.html", {
        "question": question, "disputes": items, "statuses": Dispute.Status,
    })


@staff_page
@require_POST
def staff_dispute_resolve(request: HttpRequest, dispute_id: int) -> HttpResponse:
    try:
        dispute = disputes.dispute_get_for_staff(dispute_id=dispute_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    question_id = dispute.answer.question_version.question_id
    score_text = request.POST.get("score", "").strip()
    try:
        score = int(score_text) if score_text else None
    except ValueError:
        score = -1  # the service rejects it with a message
    try:
        disputes.dispute_resolve(
            dispute=dispute, staff=request.user, action=request.POST.get("action", ""),
            covers=request.POST.getlist("covers"), score=score, note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, f"Dispute #{dispute.pk}: {exc.message}")
    else:
        messages.success(request, f"Dispute #{dispute.pk} resolved.")
    return redirect(reverse("interviews:staff_question_disputes", args=[question_id]) + f"#dispute-{dispute.pk}")


@staff_page
def staff_disputes_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(disputes.disputes_export_yaml(), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="disputed-grades-corpus.yaml"'
    return response
