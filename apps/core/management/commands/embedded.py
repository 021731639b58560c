from django.core.management.base import BaseCommand, CommandParser

from config import embedded


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL and Redis (used when DATABASE_URL / REDIS_URL are unset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args: object, action: str, **options: object) -> None:
        if action == "stop":
            stopped = embedded.stop_all()
            for name, was_running in stopped.items():
                self.stdout.write(f"{name}: {'stopped' if was_running else 'was not running'}")
        elif action == "start":
            pg = embedded.ensure_postgres()
            sock = embedded.ensure_redis()
            self.stdout.write(f"postgres: running (socket dir {pg.host})\nredis: running ({sock})")
        else:
            from apps.core.health import check_cache, check_database

            self.stdout.write(f"postgres: {check_database()}\nredis: {check_cache()}")
