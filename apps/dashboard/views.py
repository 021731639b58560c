from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts import services as account_services
from apps.careers.models import JobRole
from apps.dashboard import learner_state, selectors


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    state, maps = learner_state.state_for(user=request.user)
    role = maps.roles.get(_int(request.GET.get("role")) or request.user.target_role_id or 0)
    context: dict = {"roles_to_pick": maps.roles_to_pick()}
    if role is not None:
        result = selectors.readiness_from(state=state, maps=maps, role=role,
                                          resume_fit=selectors.resume_fit_for(user=request.user, role=role))
        skills_chart = [
            {"skill": role.names.get(slug, slug), "required": round(100 * weight / 3),
             "level": round(100 * min(1.0, result.inputs.coverage.get(slug, 0.0)))}
            for slug, weight in sorted(role.weights.items(), key=lambda kv: -kv[1])
        ]
        activity = selectors.activity_by_day(user=request.user)
        context.update({
            "role": role, "result": result, "skills_chart": skills_chart,
            "history": [{"date": h["date"].isoformat(), "readiness": h["readiness"], "interview": h["interview"]}
                        for h in selectors.history_for(user=request.user, role=role)],
            "hours": [{"week": w["week"].isoformat(), "hours": w["hours"], "plan": w["plan"]}
                      for w in selectors.study_hours_by_week(user=request.user)],
            "heatmap": [{"day": d, "count": n, "level": selectors.heatmap_level(n)} for d, n in activity.items()],
            "active_days": sum(1 for n in activity.values() if n),
            "activity_total": sum(activity.values()),
        })
    return render(request, "dashboard/learner.html", context)


@login_required
@require_POST
def set_target_role(request: HttpRequest) -> HttpResponse:
    role = get_object_or_404(JobRole, pk=_int(request.POST.get("role")) or 0)
    account_services.user_update(user=request.user, target_role=role)
    messages.success(request, f"Your target role is now {role.title}.")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("dashboard:learner")


@staff_member_required
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    overview = selectors.cohort_overview()
    return render(request, "dashboard/admin.html", {"o": overview, "llm": selectors.llm_status()})
