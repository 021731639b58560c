from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.permissions import staff_page
from apps.dashboard import cohort, learner_state, page, selectors


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    state, maps = learner_state.state_for(user=request.user)
    role = maps.roles.get(_int(request.GET.get("role")) or request.user.target_role_id or 0)
    parts = page.history_parts(user=request.user, state=state, role_id=role.id if role else None)
    context: dict = {"role_options": page.role_options(maps=maps, selected=role.id if role else None),
                     "week_plan": parts.week_plan, "reviews_due": parts.reviews_due}
    if role is not None:
        result = selectors.readiness_from(state=state, maps=maps, role=role,
                                          resume_fit=selectors.resume_fit_for(user=request.user, role=role.as_model()))
        skills_chart = [
            {"skill": role.names.get(slug, slug), "required": round(100 * weight / 3),
             "level": round(100 * min(1.0, result.inputs.coverage.get(slug, 0.0)))}
            for slug, weight in sorted(role.weights.items(), key=lambda kv: -kv[1])
        ]
        # History, hours, heatmap and the week plan: apps/dashboard/page.py (cached per learner until
        # something they show changes).
        context.update({
            "role": role, "result": result, "skills_chart": skills_chart, "history": parts.history,
            "hours": parts.hours, "heatmap_cells": parts.heatmap_cells, "heatmap_rows": parts.heatmap_rows,
            "active_days": parts.active_days, "activity_total": parts.activity_total,
        })
    return render(request, "dashboard/learner.html", context)


@staff_page
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    """Staff only: visitors are sent to sign in, learners get the site's 403 page."""
    period = cohort.period_from(request.GET.get("period"))
    return render(request, "dashboard/admin.html", {
        "o": selectors.cohort_overview(), "llm": selectors.llm_status(),
        "c": cohort.cohort_period(period=period), "periods": [(v, label) for v, (label, _) in cohort.PERIODS.items()],
    })
