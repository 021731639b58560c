from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from apps.accounts.models import User
from apps.portfolio import selectors, services
from apps.portfolio.forms import ProjectForm
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import ProjectTemplate


def _clean_values(form: ProjectForm) -> dict:
    data = dict(form.cleaned_data)
    if not data.get("title"):
        data.pop("title")
    if not data.get("skills"):
        data["skills"] = None
    return data


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    initial = {}
    if template_id := request.GET.get("template"):
        initial["template"] = template_id
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(user=request.user, **_clean_values(form))
        messages.success(request, f"Added “{project.title}” to your portfolio.")
        return redirect("portfolio:list")
    projects = selectors.projects_for(user=request.user)
    return render(request, "portfolio/list.html", {"projects": projects, "form": form})


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(selectors.projects_for(user=request.user), pk=project_id)
    initial = {"template": project.template_id, "title": project.title, "repo_url": project.repo_url,
               "demo_url": project.demo_url, "summary": project.summary, "status": project.status,
               "skills": list(project.skills.all())}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _clean_values(form)
        values.pop("template", None)
        if values["skills"] is None:
            values["skills"] = []
        services.project_update(project=project, **values)
        messages.success(request, "Project saved.")
        return redirect("portfolio:list")
    return render(request, "portfolio/edit.html", {"form": form, "project": project})


@login_required
def project_delete(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(PortfolioProject, pk=project_id, user=request.user)
    if request.method == "POST":
        services.project_delete(project=project)
        messages.success(request, f"Deleted “{project.title}”.")
        return redirect("portfolio:list")
    return render(request, "portfolio/confirm_delete.html", {"project": project})


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    templates = ProjectTemplate.objects.select_related("track").prefetch_related("skills").order_by("level", "title")
    level = request.GET.get("level", "")
    if level in ProjectTemplate.Level.values:
        templates = templates.filter(level=level)
    return render(request, "portfolio/catalog.html", {"templates": templates, "level": level, "levels": ProjectTemplate.Level.choices})


@login_required
def public_portfolio(request: HttpRequest, user_id: int) -> HttpResponse:
    """The learner's finished projects, laid out for sharing; visible to the learner and to staff only."""
    if request.user.pk != user_id and not request.user.is_staff:
        raise Http404
    owner = get_object_or_404(User, pk=user_id)
    projects = selectors.projects_for(user=owner, status=PortfolioProject.Status.DONE)
    return render(request, "portfolio/public.html", {"owner": owner, "projects": projects})
