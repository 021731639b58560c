"""The learner dashboard's parts that come from the learner's history (this week's plan, hours per week,
the activity heatmap, the score history, the reviews due), kept in the cache per learner.

They are read again only when something they show may have changed. The cache key holds the learner's
`LearnerState.updated_at` (every event that changes what these parts show saves the state, see
`apps/dashboard/signals.py`: progress, enrollments, projects, graded answers, interviews deleted,
review items and readiness snapshots), the catalog version, the day (the week plan, the heatmap and the
reviews due move with it), the role shown and the learner's own weekly hours. The key is read before
the parts are built, so a part built while an event commits is stored under the older key and never
served after it. If the cache is down every request builds the parts (`ForgivingRedisCache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.accounts.models import User
from apps.dashboard import activity
from apps.dashboard.catalog import CatalogMaps
from apps.dashboard.charts import history_for
from apps.dashboard.models import LearnerState
from apps.interviews.review import review_due_count, review_today
from apps.roadmap.week_plan import WeekPlan, dashboard_weeks

CACHE_SECONDS = 24 * 3600


@dataclass
class HistoryParts:
    week_plan: WeekPlan
    reviews_due: int
    hours: list[dict]
    history: list[dict]  # empty without a role
    heatmap_cells: SafeString
    heatmap_rows: SafeString
    active_days: int
    activity_total: int


def _key(*, user: User, state: LearnerState, role_id: int | None, today: date, review_day: date) -> str:
    stamp = state.updated_at.isoformat() if state.updated_at else "new"
    return (f"dashboard:v1:{user.pk}:{stamp}:{state.catalog_version}:{today.isoformat()}:{review_day.isoformat()}:"
            f"{role_id or 0}:{user.hours_per_week or 0}")


def history_parts(*, user: User, state: LearnerState, role_id: int | None) -> HistoryParts:
    """The parts for this learner and role, from the cache when nothing they show has changed."""
    today, review_day = timezone.localdate(), review_today()
    key = _key(user=user, state=state, role_id=role_id, today=today, review_day=review_day)
    parts = cache.get(key)
    if isinstance(parts, HistoryParts):
        return parts
    parts = build(user=user, role_id=role_id, today=today)
    cache.set(key, parts, CACHE_SECONDS)
    return parts


def build(*, user: User, role_id: int | None, today: date) -> HistoryParts:
    week_plan, hours = dashboard_weeks(user=user, today=today)
    days = activity.activity_days(user=user, today=today)
    history = history_for(user=user, role_id=role_id, today=today) if role_id else []
    return HistoryParts(
        week_plan=week_plan, reviews_due=review_due_count(user=user),
        hours=[{"week": w["week"].isoformat(), "hours": w["hours"], "plan": w["plan"]} for w in hours],
        history=[{**h, "date": h["date"].isoformat()} for h in history],
        heatmap_cells=activity.heatmap_cells(days), heatmap_rows=activity.active_day_rows(days),
        active_days=sum(1 for d in days if d.count), activity_total=sum(d.count for d in days),
    )


def role_options(*, maps: CatalogMaps, selected: int | None) -> SafeString:
    """The role picker's <option>s (76 roles through the template language cost a third of the page)."""
    return mark_safe("".join(  # ids are numbers, titles are escaped
        f'<option value="{r.id}"{" selected" if r.id == selected else ""}>{escape(r.title)}</option>'
        for r in maps.roles_to_pick()))
