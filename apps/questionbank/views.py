"""Staff curation pages of the question bank. Learners get the 403 page, visitors the sign-in page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from apps.core.exceptions import ApplicationError
from apps.core.permissions import staff_page
from apps.questionbank import duplicates, selectors, services, versions
from apps.questionbank.forms import (
    BulkStatusForm,
    DraftRequestForm,
    ImportForm,
    QuestionFilterForm,
    QuestionForm,
    TryForm,
)
from apps.questionbank.interchange import CSV_COLUMNS, csv_row_lines, rows_from_json, rows_from_upload
from apps.questionbank.models import Question
from apps.questionbank.rendering import render_markdown

PAGE_SIZE = 25


def _question(request: HttpRequest, pk: int) -> Question:
    try:
        return selectors.question_get(user=request.user, pk=pk)
    except ApplicationError:
        raise Http404 from None


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


# --- list and bulk status ------------------------------------------------------------------------------

@staff_page
@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    filters_form = QuestionFilterForm(request.GET or None)
    filters = filters_form.filters()
    questions = selectors.question_list(user=request.user, **filters)
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    stats = selectors.question_stats(question_ids=[q.pk for q in page])
    rows = [(q, stats[q.pk]) for q in page]
    query = urlencode({k: v for k, v in filters.items()})
    return render(request, "questionbank/list.html", {
        "filters_form": filters_form, "page": page, "rows": rows, "query": query,
        "export_json": f"{reverse('api-questions-export')}?{query}",
        "export_csv": f"{reverse('api-questions-export')}?{urlencode({**filters, 'format': 'csv'})}",
        "llm_configured": services.llm_configured(),
    })


@staff_page
@require_POST
def question_bulk_status(request: HttpRequest) -> HttpResponse:
    """Two steps: the selection is shown for confirmation, then the confirmed form changes the status."""
    form = BulkStatusForm(request.POST)
    back = _back(request, reverse("questionbank:list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    if not form.cleaned_data["confirmed"]:
        questions = selectors.question_list(user=request.user).filter(pk__in=ids)
        return render(request, "questionbank/bulk_confirm.html", {
            "questions": questions, "action": form.cleaned_data["action"], "status": form.status, "next": back,
        })
    changed = services.question_set_status(question_ids=ids, status=form.status, user=request.user)
    messages.success(request, f"{changed} question(s) now {form.status}.")
    return redirect(back)


# --- create / edit ----------------------------------------------------------------------------------

@staff_page
def question_create(request: HttpRequest) -> HttpResponse:
    return _question_form(request, question=None)


@staff_page
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_form(request, question=_question(request, pk))


def _question_form(request: HttpRequest, *, question: Question | None) -> HttpResponse:
    form = QuestionForm(request.POST if request.method == "POST" else None, question=question)
    duplicates: list[selectors.SimilarQuestion] = []
    if request.method == "POST" and form.is_valid():
        fields = dict(form.question_fields)
        prompt_changed = question is None or question.current_version is None or (
            fields["prompt"] != question.current_version.prompt
        )
        embedding = None
        if prompt_changed:
            # The synchronous path: embed the new prompt now, warn about near-duplicates, reuse the vector.
            from ml.embeddings import get_encoder

            embedding = get_encoder().encode([fields["prompt"]])[0].tolist()
            duplicates = selectors.near_duplicates(vector=embedding, exclude=question)
        if not duplicates or form.cleaned_data.get("confirm_duplicate"):
            try:
                if question is None:
                    question = services.question_create(user=request.user, prompt_embedding=embedding, **fields)
                    messages.success(request, "Question created.")
                else:
                    question = services.question_update(question=question, user=request.user,
                                                        prompt_embedding=embedding, **fields)
                    messages.success(request, "Question saved.")
                return redirect("questionbank:detail", pk=question.pk)
            except ApplicationError as exc:
                for name, errors in (exc.errors or {"__all__": [exc.message]}).items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
                duplicates = []
    return render(request, "questionbank/form.html", {
        "form": form, "question": question, "duplicates": duplicates,
    }, status=400 if request.method == "POST" and form.errors else 200)


@staff_page
@require_POST
def prompt_duplicates(request: HttpRequest) -> HttpResponse:
    """htmx, as staff type a prompt: the bank's nearest questions with their similarity (nothing is stored)."""
    exclude = None
    if question_id := _int(request.POST.get("question")):
        exclude = _question(request, question_id)
    check = duplicates.prompt_check(prompt=request.POST.get("prompt", ""), exclude=exclude)
    return render(request, "questionbank/_duplicates.html", {
        "check": check, "near_duplicate": selectors.NEAR_DUPLICATE_SIMILARITY,
    })


@staff_page
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the reference answer as it will be shown (rendered and sanitised)."""
    return render(request, "questionbank/_preview.html",
                  {"html": render_markdown(request.POST.get("reference_answer", "")[:20000])})


# --- the question page -----------------------------------------------------------------------------

@staff_page
@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    return render(request, "questionbank/detail.html", {
        "question": question,
        "version": question.current_version,
        "version_count": question.versions.count(),
        "similar": selectors.similar_questions(question=question, limit=5),
        "near_duplicate": selectors.NEAR_DUPLICATE_SIMILARITY,
        "stats": selectors.question_stats(question_ids=[question.pk])[question.pk],
        "try_form": TryForm(),
    })


@staff_page
@require_POST
def question_try(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the rubric playground's grade fragment; nothing is stored."""
    question = _question(request, pk)
    form = TryForm(request.POST)
    grade, error = None, ""
    if form.is_valid():
        try:
            grade = services.question_try(question=question, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            error = exc.message
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    # htmx swaps only 2xx answers, so the error is shown in the fragment; plain posts get a 400.
    status = 200 if grade or request.htmx else 400
    return render(request, "questionbank/_grade.html", {"grade": grade, "error": error}, status=status)


@staff_page
@require_GET
def question_history(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    versions = selectors.question_versions(question=question)
    by_number = {v.number: v for v in versions}
    new = by_number.get(_int(request.GET.get("new"))) or (versions[0] if versions else None)
    old = by_number.get(_int(request.GET.get("old")))
    if old is None and new is not None:
        old = next((v for v in versions if v.number < new.number), None)
    diff = selectors.version_diff(old=old, new=new) if old and new else []
    return render(request, "questionbank/history.html", {
        "question": question, "versions": versions, "old": old, "new": new, "diff": diff,
    })


@staff_page
def question_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """GET: what restoring version `number` would change, with a confirm button; POST: restore it as a new version."""
    question = _question(request, pk)
    try:
        version = versions.question_version_get(question=question, number=number)
    except ApplicationError:
        raise Http404 from None
    if request.method == "POST":
        try:
            restored = versions.question_version_restore(question=question, number=number, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Version {number} restored as version {restored.number}.")
        return redirect("questionbank:history", pk=question.pk)
    current = question.current_version
    return render(request, "questionbank/restore_confirm.html", {
        "question": question, "version": version, "current": current,
        "diff": selectors.version_diff(old=current, new=version) if current else [],
    })


def _int_list(value: str | None) -> list[int]:
    try:
        parsed = json.loads(value or "[]")
    except json.JSONDecodeError:
        return []
    return parsed if isinstance(parsed, list) and all(isinstance(n, int) for n in parsed) else []


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@staff_page
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if request.method != "POST":
        return render(request, "questionbank/delete_confirm.html", {
            "question": question, "referenced": selectors.version_is_referenced(question=question),
        })
    title = Truncator(question.current_version.prompt if question.current_version else question.key).chars(80)
    outcome = services.question_delete(question=question, user=request.user)
    if outcome == "deleted":
        messages.success(request, f"Question “{title}” deleted.")
    else:
        messages.success(request, f"Question “{title}” has answers, so it was retired instead of deleted.")
    return redirect("questionbank:list")


# --- import ----------------------------------------------------------------------------------------

@staff_page
def question_import(request: HttpRequest) -> HttpResponse:
    """Upload → dry-run report per row → confirm → import. Nothing is written before the confirmation."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context: dict[str, Any] = {"form": form, "csv_columns": CSV_COLUMNS}
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("file"):
                upload = form.cleaned_data["file"]
                data = upload.read()
                file_format, rows = rows_from_upload(name=upload.name or "", data=data)
                lines = csv_row_lines(data) if file_format == "csv" else []
            else:
                rows = rows_from_json(json.loads(form.cleaned_data["payload"]))
                lines = _int_list(form.cleaned_data.get("lines"))
        except (ApplicationError, json.JSONDecodeError) as exc:
            form.add_error("file" if form.cleaned_data.get("file") else None,
                           getattr(exc, "message", "The upload could not be read; choose the file again."))
            return render(request, "questionbank/import.html", context, status=getattr(exc, "status_code", 400))
        confirmed = bool(form.cleaned_data.get("confirmed"))
        report = services.questions_import(rows=rows, user=request.user, dry_run=not confirmed)
        if confirmed:
            messages.success(request, f"Imported: {report.count('created')} created, {report.count('updated')} "
                                      f"updated, {report.count('skipped')} unchanged, {len(report.errors)} with errors.")
        line_of = dict(enumerate(lines, start=1)) if len(lines) == len(rows) else {}
        context.update({"report": report, "summary": report.as_dict(), "payload": json.dumps(rows),
                        "confirmed": confirmed, "lines": json.dumps(list(line_of.values())),
                        "rows": [(row, line_of.get(row.row)) for row in report.rows]})
    return render(request, "questionbank/import.html", context,
                  status=400 if request.method == "POST" and form.errors else 200)


@staff_page
@require_GET
def skill_list(request: HttpRequest) -> HttpResponse:
    """The skills questions can be tagged with, by category, with the id that imports and the API use."""
    return render(request, "questionbank/skills.html", {"categories": selectors.skills_by_category()})


# --- LLM drafts and the review queue -----------------------------------------------------------------

@staff_page
def draft_queue(request: HttpRequest) -> HttpResponse:
    configured = services.llm_configured()
    form = DraftRequestForm(request.POST if request.method == "POST" else None) if configured else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "No LLM backend is configured, so questions cannot be drafted.")
            return redirect("questionbank:drafts")
        if form.is_valid():
            try:
                services.question_drafts_request(
                    user=request.user, skill=selectors.skill_get(slug=form.cleaned_data["skill"]), round=form.cleaned_data["round"],
                    difficulty=form.cleaned_data["difficulty"], count=form.cleaned_data["count"],
                )
                messages.success(request, "Drafting started; the drafts appear below when the LLM is done.")
                return redirect("questionbank:drafts")
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    drafts = selectors.draft_review_queue()
    return render(request, "questionbank/drafts.html", {
        "form": form, "llm_configured": configured, "drafts": drafts, "jobs": selectors.draft_jobs_recent(),
    }, status=400 if form is not None and form.errors else 200)


@staff_page
def grading_quality(request: HttpRequest) -> HttpResponse:
    """How far the rubric grader agrees with experts on the labelled corpus (test split), per round,
    with the worst disagreements; POST queues a new measurement."""
    from apps.core.exceptions import Conflict
    from apps.questionbank import quality
    from apps.questionbank.models import GradingEvaluation

    if request.method == "POST":
        try:
            quality.grading_evaluation_request(user=request.user)
            messages.success(request, "Measuring: the figures appear here in several minutes.")
        except Conflict as exc:
            messages.info(request, exc.message)
        return redirect("questionbank:grading_quality")
    latest = GradingEvaluation.objects.filter(status=GradingEvaluation.Status.DONE).first()
    failed = GradingEvaluation.objects.filter(status=GradingEvaluation.Status.FAILED).first()
    if failed and latest and failed.created_at < latest.created_at:
        failed = None  # a later measurement succeeded
    return render(request, "questionbank/grading_quality.html", {
        "evaluation": latest, "pending": quality.grading_evaluation_in_progress(), "failed": failed,
        **quality.grading_quality_page(evaluation=latest),
    })
