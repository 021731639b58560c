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
from apps.dashboard.charts import charts_for, heatmap_cells


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
                                          resume_fit=selectors.resume_fit_for(user=request.user, role=role.as_model()))
        skills_chart = [
            {"skill": role.names.get(slug, slug), "required": round(100 * weight / 3),
             "level": round(100 * min(1.0, result.inputs.coverage.get(slug, 0.0)))}
            for slug, weight in sorted(role.weights.items(), key=lambda kv: -kv[1])
        ]
        charts = charts_for(user=request.user, role_id=role.id, plan_hours=state.plan_hours or request.user.hours_per_week)
        active = [{"day": day.isoformat(), "count": n} for day, n in charts.activity.items() if n]
        context.update({
            "role": role, "result": result, "skills_chart": skills_chart,
            "history": [{**h, "date": h["date"].isoformat()} for h in charts.history],
            "hours": [{**w, "week": w["week"].isoformat()} for w in charts.hours],
            "heatmap_cells": heatmap_cells(charts.activity), "active": active, "active_days": len(active),
            "activity_total": sum(charts.activity.values()),
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
