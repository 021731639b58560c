from celery import shared_task

from apps.dashboard import services


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def readiness_snapshot_task() -> int:
    return services.readiness_snapshots_take_all()
