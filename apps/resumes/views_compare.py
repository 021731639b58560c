"""Compare with a posting: paste a job posting, pick a resume, see the fit; start an interview aimed at it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.core.exceptions import ApplicationError, NotFound
from apps.resumes import compare, selectors
from apps.resumes.models import Resume
from ml import disciplines
from ml.postings import MAX_CHARS


class CompareForm(forms.Form):
    resume = forms.ModelChoiceField(queryset=Resume.objects.none(), label="Your resume", empty_label=None)
    title = forms.CharField(max_length=200, required=False, label="Job title (optional)",
                            help_text="Read from the posting's first line when left empty.")
    source_url = forms.URLField(max_length=500, required=False, assume_scheme="https",
                                label="Where you copied it from (optional)", help_text="Kept for you; never fetched.")
    posting = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), strip=False, required=False,
                              label="The job posting", help_text=f"Paste the description and requirements "
                              f"(at most {MAX_CHARS:,} characters). Only you can see it.")

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resume"].queryset = selectors.resume_list(user=user).filter(status=Resume.Status.READY)


@login_required
def compare_new(request: HttpRequest) -> HttpResponse:
    initial = {"resume": request.GET.get("resume")} if request.GET.get("resume") else {}
    form = CompareForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                comparison = compare.posting_compare(user=request.user, resume=data["resume"], posting=data["posting"],
                                                     title=data["title"], source_url=data["source_url"])
            except ApplicationError as exc:
                form.add_error("posting" if "posting" in exc.errors else None, exc.message)
                status = exc.status_code
            else:
                return redirect("resumes:comparison", comparison_id=comparison.pk)
        else:
            status = 400
    recent = request.user.posting_comparisons.select_related("resume").only(
        "id", "title", "created_at", "result", "resume__filename")[:10]
    return render(request, "resumes/compare_form.html", {"form": form, "recent": recent}, status=status)


def _own(request: HttpRequest, comparison_id: int):  # type: ignore[no-untyped-def]
    try:
        return compare.comparison_get(user=request.user, comparison_id=comparison_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def comparison_detail(request: HttpRequest, comparison_id: int) -> HttpResponse:
    comparison = _own(request, comparison_id)
    result = comparison.result
    names = result.get("skill_names", {})
    return render(request, "resumes/comparison.html", {
        "comparison": comparison, "result": result, "segments": compare.comparison_segments(comparison),
        "matched": [names.get(s, s) for s in result.get("matched_skills", [])],
        "missing": [names.get(s, s) for s in result.get("missing_skills", [])],
        "resume_field": disciplines.label(result.get("resume_discipline", "")),
        "found_terms": [t for t in result.get("terms", []) if t["in_resume"]],
        "missing_terms": [t for t in result.get("terms", []) if not t["in_resume"]],
    })
