import time

from django.core.management.base import BaseCommand, CommandParser

from apps.catalog.services import catalog_load_recorded


class Command(BaseCommand):
    help = "Load (or update in place) skills, tracks, projects, companies, roles and questions from data/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-embed", action="store_true", help="Skip computing role and question embeddings.")

    def handle(self, *args: object, no_embed: bool = False, **options: object) -> None:
        started = time.perf_counter()
        record, report = catalog_load_recorded(embed=not no_embed)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if record.embeddings:
            self.stdout.write(f"  embeddings: {record.embeddings}")
        self.stdout.write(self.style.SUCCESS(f"Catalog loaded in {time.perf_counter() - started:.1f} s"))
