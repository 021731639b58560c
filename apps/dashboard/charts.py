"""The learner dashboard's charts (activity heatmap, readiness and interview history, hours per week).

One query for all of them: per-day rows from the learner's topic progress, answers, projects and
readiness snapshots, in a UNION ALL, each part read through an index on the learner and bounded by
the heatmap's 26 weeks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from apps.accounts.models import User
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Interview

GRADED = (str(Answer.GradingStatus.GRADED), str(Answer.GradingStatus.PROVISIONAL))
HISTORY_DAYS = 60


# Snapshots and the daily interview average, one statement. Written as SQL because composing it through
# the ORM (annotated querysets and a union) cost more CPU per request than the rest of the readiness
# computation; the table names come from the models. The heatmap and the hours chart come from
# apps/dashboard/activity.py and apps/roadmap/week_plan.py, which know what each day holds and when
# the plan starts.
_HISTORY_SQL = f"""
SELECT 'answers', (a.created_at AT TIME ZONE %(tz)s)::date, AVG(a.score)::float8
  FROM {Answer._meta.db_table} a JOIN {Interview._meta.db_table} i ON i.id = a.interview_id
 WHERE i.user_id = %(user)s AND a.created_at >= %(since)s AND a.grading_status = ANY(%(graded)s)
   AND a.score IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'snapshot', date, score::float8
  FROM {ReadinessSnapshot._meta.db_table} WHERE user_id = %(user)s AND role_id = %(role)s AND date >= %(history_since)s
"""  # noqa: S608 - table names from the models, every value a parameter


def history_for(*, user: User, role_id: int, today: date | None = None) -> list[dict]:
    """[{date, readiness, interview}] on the days of the last HISTORY_DAYS with a snapshot or graded answers."""
    today = today or timezone.localdate()
    history_since = today - timedelta(days=HISTORY_DAYS)
    params: dict[str, str | float | date | list[str]] = {
        "tz": timezone.get_current_timezone_name(), "user": user.pk, "graded": list(GRADED), "role": role_id,
        "since": timezone.make_aware(datetime.combine(history_since, time.min)), "history_since": history_since,
    }
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY_SQL, params)
        rows = cursor.fetchall()
    readiness: dict[date, int] = {}
    interview: dict[date, float] = {}
    for kind, day, value in rows:
        if kind == "snapshot":
            readiness[day] = round(value)
        elif day >= history_since:
            interview[day] = value
    return [{"date": d, "readiness": readiness.get(d), "interview": round(interview[d]) if d in interview else None}
            for d in sorted(set(readiness) | set(interview))]
