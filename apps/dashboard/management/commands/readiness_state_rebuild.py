"""Recompute every learner's readiness state from their rows (after a bulk import or a manual fix)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.models import User
from apps.dashboard import learner_state


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="Learners per batch (4 queries each).")

    def handle(self, *args: object, batch: int, **options: object) -> None:
        started = time.perf_counter()
        ids = list(User.objects.order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), batch):
            learner_state.rebuild_many(ids[start:start + batch])
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {len(ids)} learner states in {time.perf_counter() - started:.0f} s."))
