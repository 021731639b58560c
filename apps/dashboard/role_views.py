"""Pages that join the roadmap to the learner's target role: the role picker, choosing a role and the
learner's pace. They live here (the dashboard layer) because they read roles, resumes and accounts,
which the roadmap app sits below; their URLs stay in the `roadmap` namespace (config/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from apps.accounts import services as account_services
from apps.careers.models import JobRole
from apps.dashboard import role_picker as role_picker_selectors
from apps.roadmap.forms import PaceForm


@login_required
@require_POST
def pace_update(request: HttpRequest) -> HttpResponse:
    """The learner's usual hours per week: how long the tracks they do not follow yet would take."""
    form = PaceForm(request.POST)
    if form.is_valid():
        account_services.user_update(user=request.user, hours_per_week=form.cleaned_data["hours_per_week"])
        messages.success(request, f"Durations now assume {form.cleaned_data['hours_per_week']} h/week.")
    else:
        messages.error(request, "Hours per week must be a whole number between 1 and 80.")
    return redirect("roadmap:tracks")


@login_required
def role_picker(request: HttpRequest) -> HttpResponse:
    cards = role_picker_selectors.role_cards(user=request.user)
    has_fit = any(c.fit is not None for c in cards)
    if has_fit:
        cards.sort(key=lambda c: (-(c.fit or 0), c.role.title))
    return render(request, "roadmap/role_picker.html", {"cards": cards, "has_fit": has_fit})


@login_required
@require_POST
def role_choose(request: HttpRequest) -> HttpResponse:
    try:
        role = JobRole.objects.get(pk=int(request.POST.get("role", "")), is_posting=False)
    except (ValueError, JobRole.DoesNotExist):
        messages.error(request, "Choose one of the roles listed.")
        return redirect("roadmap:roles")
    account_services.user_update(user=request.user, target_role=role)
    messages.success(request, f"Your target role is now {role.title}. The roadmaps that teach its skills come first.")
    return redirect("roadmap:tracks")


# Mounted under /roadmaps/ in the `roadmap` namespace, before the roadmap app's own patterns.
urlpatterns = [
    path("pace/", pace_update, name="pace"),
    path("roles/", role_picker, name="roles"),
    path("roles/choose/", role_choose, name="choose_role"),
]
