from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.careers.models import JobRole
from apps.dashboard import selectors
from apps.dashboard.models import ReadinessSnapshot


@transaction.atomic
def readiness_snapshot_take(*, user: User, role: JobRole, day: date | None = None) -> ReadinessSnapshot:
    """Store today's readiness for the learner and role (idempotent: one row per day, updated)."""
    result = selectors.readiness_for(user=user, role=role)
    components = {name: c.score for name, c in result.readiness.components.items()}
    snapshot, _ = ReadinessSnapshot.objects.update_or_create(
        user=user, role=role, date=day or timezone.localdate(),
        defaults={"score": result.readiness.score, "components": components,
                  "interview_score": components["interviews"]},
    )
    return snapshot


def readiness_snapshots_take_all(*, day: date | None = None) -> int:
    """Daily: a snapshot for every learner who has a target role. Returns how many were stored."""
    count = 0
    for user in User.objects.filter(is_active=True, target_role__isnull=False).select_related("target_role").iterator():
        readiness_snapshot_take(user=user, role=user.target_role, day=day)  # type: ignore[arg-type]  # filtered: set
        count += 1
    return count
