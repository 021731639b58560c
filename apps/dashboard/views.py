from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.permissions import staff_page
from apps.dashboard import activity as activity_selectors
from apps.dashboard import cohort, learner_state, selectors
from apps.dashboard.charts import history_for
from apps.interviews.review import review_due_count
from apps.roadmap.week_plan import study_hours_by_week, week_plan_for


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
    context["week_plan"] = week_plan_for(user=request.user)
    context["reviews_due"] = review_due_count(user=request.user)  # apps/interviews/review.py
    if role is not None:
        result = selectors.readiness_from(state=state, maps=maps, role=role,
                                          resume_fit=selectors.resume_fit_for(user=request.user, role=role.as_model()))
        skills_chart = [
            {"skill": role.names.get(slug, slug), "required": round(100 * weight / 3),
             "level": round(100 * min(1.0, result.inputs.coverage.get(slug, 0.0)))}
            for slug, weight in sorted(role.weights.items(), key=lambda kv: -kv[1])
        ]
        # History from the stored snapshots (one statement); the hours and the heatmap from the roadmap's
        # week plan and the activity module, which know when the plan starts and what each day holds.
        activity = activity_selectors.activity_days(user=request.user)
        context.update({
            "role": role, "result": result, "skills_chart": skills_chart,
            "history": [{**h, "date": h["date"].isoformat()} for h in history_for(user=request.user, role_id=role.id)],
            "hours": [{"week": w["week"].isoformat(), "hours": w["hours"], "plan": w["plan"]}
                      for w in study_hours_by_week(user=request.user)],
            "heatmap": activity,
            "active_days": sum(1 for d in activity if d.count),
            "activity_total": sum(d.count for d in activity),
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
