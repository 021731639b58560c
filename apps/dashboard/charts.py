"""The learner dashboard's charts (activity heatmap, readiness and interview history, hours per week).

One query for all of them: per-day rows from the learner's topic progress, answers, projects and
readiness snapshots, in a UNION ALL, each part read through an index on the learner and bounded by
the heatmap's 26 weeks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from apps.accounts.models import User
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Interview
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import Topic, TopicProgress
from apps.roadmap.selectors import DEFAULT_TOPIC_HOURS

GRADED = (str(Answer.GradingStatus.GRADED), str(Answer.GradingStatus.PROVISIONAL))
HEATMAP_DAYS = 182
HISTORY_DAYS = 60
HOURS_WEEKS = 8


@dataclass
class Charts:
    activity: dict[date, int]  # every day of the heatmap → topics finished + answers given + projects updated
    history: list[dict]  # [{date, readiness, interview}] on days with either
    hours: list[dict]  # [{week, hours, plan}] for the last 8 weeks


# The four parts, one statement. Written as SQL because composing it through the ORM (four annotated
# querysets and a union) cost more CPU per request than the rest of the readiness computation; the
# table names come from the models. Times are compared to the start of the first day in the current
# time zone (so the indexes on the learner and the time both apply) and days are taken in it.
_CHARTS_SQL = f"""
SELECT 'progress', (p.completed_at AT TIME ZONE %(tz)s)::date, COUNT(*),
       SUM(COALESCE(t.estimated_hours, %(default_hours)s))::float8
  FROM {TopicProgress._meta.db_table} p JOIN {Topic._meta.db_table} t ON t.id = p.topic_id
 WHERE p.user_id = %(user)s AND p.completed_at >= %(since)s GROUP BY 2
UNION ALL
SELECT 'answers', (a.created_at AT TIME ZONE %(tz)s)::date, COUNT(*),
       (AVG(a.score) FILTER (WHERE a.grading_status = ANY(%(graded)s)))::float8
  FROM {Answer._meta.db_table} a JOIN {Interview._meta.db_table} i ON i.id = a.interview_id
 WHERE i.user_id = %(user)s AND a.created_at >= %(since)s GROUP BY 2
UNION ALL
SELECT 'projects', (updated_at AT TIME ZONE %(tz)s)::date, COUNT(*), NULL::float8
  FROM {PortfolioProject._meta.db_table} WHERE user_id = %(user)s AND updated_at >= %(since)s GROUP BY 2
UNION ALL
SELECT 'snapshot', date, 0, score::float8
  FROM {ReadinessSnapshot._meta.db_table} WHERE user_id = %(user)s AND role_id = %(role)s AND date >= %(history_since)s
"""  # noqa: S608 - table names from the models, every value a parameter


def charts_for(*, user: User, role_id: int, plan_hours: int, today: date | None = None) -> Charts:
    today = today or timezone.localdate()
    since = today - timedelta(days=HEATMAP_DAYS - 1)
    history_since = today - timedelta(days=HISTORY_DAYS)
    params: dict[str, str | float | date | list[str]] = {
        "tz": timezone.get_current_timezone_name(), "default_hours": DEFAULT_TOPIC_HOURS, "user": user.pk,
        "since": timezone.make_aware(datetime.combine(since, time.min)), "graded": list(GRADED), "role": role_id,
        "history_since": history_since,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CHARTS_SQL, params)
        rows = cursor.fetchall()

    activity: Counter[date] = Counter()
    hours: defaultdict[date, float] = defaultdict(float)  # hours are fractional: not a Counter
    readiness: dict[date, int] = {}
    interview: dict[date, float] = {}
    for kind, day, n, value in rows:
        if kind == "snapshot":
            readiness[day] = round(value)
            continue
        activity[day] += n
        if kind == "progress":
            hours[day - timedelta(days=day.weekday())] += value or 0.0
        elif kind == "answers" and value is not None and day >= history_since:
            interview[day] = value

    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=HOURS_WEEKS - 1)
    return Charts(
        activity={since + timedelta(days=i): activity.get(since + timedelta(days=i), 0) for i in range(HEATMAP_DAYS)},
        history=[{"date": d, "readiness": readiness.get(d), "interview": round(interview[d]) if d in interview else None}
                 for d in sorted(set(readiness) | set(interview))],
        hours=[{"week": first_week + timedelta(weeks=i), "hours": round(hours.get(first_week + timedelta(weeks=i), 0.0), 1),
                "plan": plan_hours} for i in range(HOURS_WEEKS)],
    )

