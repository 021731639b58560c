"""Interview pages (htmx): start, one question at a time with self-polling grades, report, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.exceptions import ApplicationError, NotFound
from apps.interviews import disputes, selectors, services
from apps.interviews.forms import AnswerForm, InterviewStartForm
from apps.interviews.models import ROUND_CHOICES, Answer, Interview
from apps.interviews.policy import STRENGTH_SCORE
from apps.interviews.review import review_due_count
from apps.questionbank.models import Question
from apps.resumes.selectors import resume_get
from apps.roadmap.models import Topic

# Returned to htmx pollers when nothing changed: no swap, no screen-reader re-announcement.
NOTHING_NEW = 204
# The report's one-word verdict per answer (the same thresholds as strengths and gaps).
REPORT_STRONG, REPORT_PARTIAL = STRENGTH_SCORE, 50


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    interviews, trend, by_round = selectors.interview_history_for(user=request.user)
    labels = dict(ROUND_CHOICES)
    rounds = {i.pk: i for i in interviews}
    trend_data = [
        {"date": p.label, "score": p.score, "round": _interview_label(rounds[p.interview_id], labels)} for p in trend
    ]
    return render(request, "interviews/list.html", {
        "interviews": interviews, "trend": trend, "trend_data": trend_data,
        "by_round": [(labels.get(name, name), value) for name, value in by_round.items()],
        "reviews_due": review_due_count(user=request.user),
    })


def _interview_label(interview: Interview, labels: dict[str, str]) -> str:
    if interview.kind == Interview.Kind.TOPIC_CHECK:
        return f"Topic check: {interview.topic.title}" if interview.topic else "Topic check"
    return labels.get(interview.round, interview.round)


@login_required
@require_http_methods(["GET", "POST"])
def interview_start(request: HttpRequest) -> HttpResponse:
    initial: dict = {"role": request.user.target_role_id} if request.user.target_role_id else {}
    for name in ("role", "round", "resume"):  # links from the dashboard and the resume results
        if request.GET.get(name):
            initial[name] = request.GET[name]
    resume_id = (request.POST or request.GET).get("resume") or None
    resume = None
    if resume_id:
        try:
            resume = resume_get(user=request.user, resume_id=int(resume_id))
        except (ValueError, NotFound) as exc:
            raise Http404("Resume not found.") from exc
    form = InterviewStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "resume": resume}
        try:
            interview = services.interview_start(user=request.user, **values)
        except ApplicationError as exc:
            field = next(iter(exc.errors), None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return redirect("interviews:detail", interview_id=interview.pk)
    return render(request, "interviews/start.html", {"form": form, "resume": resume})


@login_required
@require_http_methods(["GET", "POST"])
def topic_check(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("stage__track").prefetch_related("skills"), pk=topic_id)
    error = ""
    if request.method == "POST":
        try:
            interview = services.topic_check_start(user=request.user, topic=topic)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("interviews:detail", interview_id=interview.pk)
    return render(request, "interviews/topic_check.html", {"topic": topic, "error": error})


def _detail(request: HttpRequest, interview_id: int) -> Interview:
    try:
        interview = selectors.interview_detail_for(user=request.user, interview_id=interview_id)
        if selectors.interview_should_advance(interview):
            services.interview_advance(interview_id=interview.pk)
            interview = selectors.interview_detail_for(user=request.user, interview_id=interview_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return interview


def _current_context(interview: Interview) -> dict:
    answers = interview.answer_list  # type: ignore[attr-defined]
    return {
        "interview": interview,
        "next_action": selectors.interview_next_action(interview),
        "number": selectors.interview_question_number(interview, answers),
        "answered": sum(1 for a in answers if a.parent_id is None),
        "form": AnswerForm(initial={"question": interview.current_version.question_id}) if interview.current_version_id else None,
    }


@login_required
def interview_detail(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _detail(request, interview_id)
    if interview.status == Interview.Status.FINISHED:
        return redirect("interviews:report", interview_id=interview.pk)
    return render(request, "interviews/detail.html", {**_current_context(interview), "answers": interview.answer_list})


@login_required
def interview_current(request: HttpRequest, interview_id: int) -> HttpResponse:
    """The "current question" part of the page; a waiting poller gets 204 until something changes."""
    interview = _detail(request, interview_id)
    context = _current_context(interview)
    if request.GET.get("waiting") and context["next_action"] == "wait":
        return HttpResponse(status=NOTHING_NEW)
    return render(request, "interviews/_current.html", context)


@login_required
@require_POST
def answer_submit(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _detail(request, interview_id)
    form = AnswerForm(request.POST)
    answer = None
    if form.is_valid():
        question = Question.objects.filter(pk=form.cleaned_data["question"]).first()
        try:
            if question is None:
                raise ApplicationError("That is not the current question of this interview.")
            answer = services.answer_submit(interview=interview, question=question, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    if answer is None:
        if not request.htmx:
            for error in form.non_field_errors() or [e for errs in form.errors.values() for e in errs]:
                messages.error(request, error)
            return redirect("interviews:detail", interview_id=interview_id)
        context = _current_context(interview)
        context["form"] = form
        return render(request, "interviews/_current.html", context, status=200)
    if not request.htmx:
        return redirect("interviews:detail", interview_id=interview_id)
    interview = _detail(request, interview_id)
    return render(request, "interviews/_submitted.html", {**_current_context(interview), "answer": answer})


@login_required
def answer_status(request: HttpRequest, answer_id: int) -> HttpResponse:
    """An answer card's body; the card polls it (204 while its grading status is unchanged)."""
    try:
        answer = selectors.answer_get_for(user=request.user, answer_id=answer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.GET.get("since") == answer.grading_status:
        return HttpResponse(status=NOTHING_NEW)
    return render(request, "interviews/_answer_body.html", {"answer": answer})


@login_required
@require_POST
def interview_finish(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _detail(request, interview_id)
    services.interview_finish(interview=interview)
    return redirect("interviews:report", interview_id=interview.pk)


@login_required
def interview_report(request: HttpRequest, interview_id: int) -> HttpResponse:
    try:
        interview = selectors.interview_get_for(user=request.user, interview_id=interview_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if interview.status != Interview.Status.FINISHED:
        return redirect("interviews:detail", interview_id=interview.pk)
    if not interview.report:  # finished before reports existed (or imported): build it once
        interview = services.interview_report_refresh(interview=interview)
    report = interview.report
    if request.htmx and request.GET.get("pending") and str(report.get("pending", 0)) == request.GET["pending"]:
        return HttpResponse(status=NOTHING_NEW)
    questions = report.get("questions", [])
    latest = disputes.disputes_by_answer(answer_ids=[
        entry["id"] for q in questions for entry in (q["answer"], q.get("follow_up")) if entry
    ])
    return render(request, "interviews/report.html", {
        "interview": interview, "report": report, "statuses": Answer.GradingStatus,
        "questions": [_with_disputes(q, latest) for q in questions],
        "ended_early": report.get("answered", 0) < interview.num_questions,
    })


def _with_disputes(question: dict, latest: dict) -> dict:
    """A report question with each answer's verdict and latest dispute (shown in its summary)."""
    entries = {"answer": _entry(question["answer"], latest)}
    if question.get("follow_up"):
        entries["follow_up"] = _entry(question["follow_up"], latest)
    return {**question, **entries, "verdict": _verdict(question.get("score"), question["answer"]["grading_status"])}


def _entry(entry: dict, latest: dict) -> dict:
    return {**entry, "dispute": latest.get(entry["id"]), "verdict": _verdict(entry.get("score"), entry["grading_status"]),
            "points_total": len(entry.get("covered", [])) + len(entry.get("missed", []))}


def _verdict(score: int | None, status: str) -> str:
    if status in (Answer.GradingStatus.PENDING, Answer.GradingStatus.GRADING):
        return "Being graded"
    if status == Answer.GradingStatus.FAILED or score is None:
        return "Not graded"
    return "Strong" if score >= REPORT_STRONG else "Partial" if score >= REPORT_PARTIAL else "Needs work"
