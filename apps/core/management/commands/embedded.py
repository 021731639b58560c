from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from config import embedded


class Command(BaseCommand):
    help = (
        "Start, stop or show the embedded PostgreSQL and Redis (used when DATABASE_URL / REDIS_URL are unset); "
        "back up or restore the database and the uploaded files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status", "backup", "restore"])
        parser.add_argument("archive", nargs="?", help="restore: the backup file to restore")
        parser.add_argument("--output", default=None, help="backup: folder for the backup file (default VAR_DIR/backups)")
        parser.add_argument("--yes", action="store_true", help="restore: replace the current data without asking")

    def handle(self, *args: object, action: str, **options: object) -> None:
        if action == "stop":
            stopped = embedded.stop_all()
            for name, was_running in stopped.items():
                self.stdout.write(f"{name}: {'stopped' if was_running else 'was not running'}")
        elif action == "start":
            pg = embedded.ensure_postgres()
            sock = embedded.ensure_redis()
            self.stdout.write(f"postgres: running (socket dir {pg.host})\nredis: running ({sock})")
        elif action == "backup":
            output = Path(str(options["output"] or Path(settings.VAR_DIR) / "backups"))
            archive = embedded.backup(database=settings.DATABASES["default"], upload_dir=Path(settings.PRIVATE_UPLOAD_DIR),
                                      output=output)
            self.stdout.write(str(archive))
        elif action == "restore":
            self._restore(options)
        else:
            from apps.core.health import check_cache, check_database

            self.stdout.write(f"postgres: {check_database()}\nredis: {check_cache()}")

    def _restore(self, options: dict) -> None:
        if not options["archive"]:
            raise CommandError("Name the backup file: manage.py embedded restore var/backups/llmcoach-backup-….tar")
        archive = Path(str(options["archive"]))
        if not archive.is_file():
            raise CommandError(f"No backup file at {archive}.")
        if not options["yes"]:
            answer = input(f"Replace the database and uploads with {archive.name}? Stop web and workers first. [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was restored.")
        connections.close_all()  # pg_restore --clean needs the tables free
        embedded.restore(database=settings.DATABASES["default"], upload_dir=Path(settings.PRIVATE_UPLOAD_DIR),
                         archive=archive)
        self.stdout.write(f"restored {archive}")
