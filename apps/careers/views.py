"""Role pages: browse roles, read one, set it as your target, and (staff) paste a real job posting."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.careers import selectors, services
from apps.careers.free_terms import free_term_dismiss, free_term_list, free_term_promote
from apps.careers.models import Company, FreeTerm, JobRole
from apps.core.exceptions import ApplicationError, NotFound
from apps.core.permissions import staff_page
from apps.roadmap.models import Skill, SkillCategory
from apps.roadmap.selectors import skill_matcher
from ml.skill_text import posting_skill_weights


class PostingForm(forms.Form):
    title = forms.CharField(max_length=200)
    company = forms.ModelChoiceField(queryset=Company.objects.order_by("name"), required=False)
    seniority = forms.ChoiceField(choices=JobRole.Seniority.choices, initial=JobRole.Seniority.MID)
    source_url = forms.URLField(max_length=500, required=False, assume_scheme="https",
                                label="Link to the posting")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), max_length=20_000,
                                  label="Posting text", help_text="Paste the job description; skills are found in it.")
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"), required=False,
        help_text="Leave empty to use the skills found in the posting text.",
    )


def _role(role_id: int) -> JobRole:
    try:
        return selectors.role_get(role_id=role_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    seniority = request.GET.get("seniority", "")
    postings = request.GET.get("postings") == "1"
    roles = selectors.role_list(q=q, seniority=seniority, is_posting=True if postings else None)
    page = Paginator(roles, 24).get_page(request.GET.get("page"))
    return render(request, "careers/role_list.html", {
        "page": page, "q": q, "seniority": seniority, "postings": postings,
        "seniorities": JobRole.Seniority.choices,
    })


@login_required
def role_detail(request: HttpRequest, role_id: int) -> HttpResponse:
    return render(request, "careers/role_detail.html", {"role": _role(role_id)})


@login_required
def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A company: what it is, and the roles it hires for (catalog roles and its real postings)."""
    try:
        company = selectors.company_get(slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "careers/company_detail.html", {
        "company": company, "roles": selectors.role_list(company_id=company.pk),
    })


@staff_page
def posting_new(request: HttpRequest) -> HttpResponse:
    """Staff paste a real job posting; its skills are found with the resume skill matcher."""
    form = PostingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["skills"]:
            skills = {s.slug: 2 for s in data["skills"]}
        else:
            skills = posting_skill_weights(skill_matcher().find(f"{data['title']}\n{data['description']}"))
        if not skills:
            form.add_error("skills", "No known skills found in the posting: pick them here.")
        else:
            try:
                role = services.role_create(
                    title=data["title"], description=data["description"], skills=skills,
                    company=data["company"], seniority=data["seniority"], source_url=data["source_url"],
                    is_posting=True,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Added the posting “{role.title}” with {len(skills)} skills.")
                return redirect("careers:role", role_id=role.pk)
    return render(request, "careers/posting_form.html", {"form": form})


class PromoteForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.order_by("name"), required=False,
                                   label="Add as a synonym of", empty_label="(a new skill)")
    name = forms.CharField(max_length=120, required=False, label="or a new skill named")
    category = forms.ModelChoiceField(queryset=SkillCategory.objects.order_by("order"), required=False,
                                      label="in the category")


@staff_page
def free_terms(request: HttpRequest) -> HttpResponse:
    """Staff: skill-like terms the taxonomy lacks, most seen first; promote or dismiss each."""
    if request.method == "POST":
        term = FreeTerm.objects.filter(pk=request.POST.get("term") or 0).first()
        if term is None:
            raise Http404
        try:
            if request.POST.get("action") == "dismiss":
                free_term_dismiss(term=term)
                messages.success(request, f"Dismissed “{term.term}”.")
            else:
                form = PromoteForm(request.POST)
                if not form.is_valid():
                    raise ApplicationError("Pick a skill, or a name and a category.")
                data = form.cleaned_data
                skill = free_term_promote(term=term, skill=data["skill"], name=data["name"], category=data["category"])
                messages.success(request, f"“{term.term}” now counts as {skill.name}.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("careers:free_terms")
    page = Paginator(free_term_list(), 50).get_page(request.GET.get("page"))
    # The choices once for every row's form (a ModelChoiceField would query them per row).
    skills = list(Skill.objects.order_by("name").values_list("pk", "name"))
    categories = list(SkillCategory.objects.order_by("order").values_list("pk", "name"))
    return render(request, "careers/free_terms.html", {"page": page, "form": PromoteForm(), "skill_choices": skills,
                                                       "category_choices": categories})
