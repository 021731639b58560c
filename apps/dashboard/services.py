from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.careers.models import JobRole
from apps.dashboard import learner_state, selectors
from apps.dashboard.models import ReadinessSnapshot


@transaction.atomic
def readiness_snapshot_take(*, user: User, role: JobRole, day: date | None = None) -> ReadinessSnapshot | None:
    """Store today's readiness for the learner and role (idempotent: one row per day, updated)."""
    result = selectors.readiness_for(user=user, role=role)
    if result is None:  # the role was deleted meanwhile
        return None
    components = {name: c.score for name, c in result.readiness.components.items()}
    snapshot, _ = ReadinessSnapshot.objects.update_or_create(
        user=user, role=role, date=day or timezone.localdate(),
        defaults={"score": result.readiness.score, "components": components,
                  "interview_score": components["interviews"]},
    )
    return snapshot


def readiness_snapshots_take_all(*, day: date | None = None) -> int:
    """Daily: a snapshot for every learner who has a target role. Returns how many were stored.

    Each learner's state is recomputed from their rows first, so a change that reached the database
    without a model signal (a bulk update, a manual fix) is in the snapshot and the state by the next day.
    """
    count = 0
    for user in User.objects.filter(is_active=True, target_role__isnull=False).select_related("target_role").iterator():
        learner_state.refresh(user_id=user.pk)
        count += readiness_snapshot_take(user=user, role=user.target_role, day=day) is not None  # type: ignore[arg-type]  # filtered: set
    return count
