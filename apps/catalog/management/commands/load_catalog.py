import time

from django.core.management.base import BaseCommand, CommandParser

from apps.catalog.loader import load_catalog


class Command(BaseCommand):
    help = "Load (or update in place) skills, tracks, projects, companies, roles and questions from data/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-embed", action="store_true", help="Skip computing role and question embeddings.")

    def handle(self, *args: object, no_embed: bool = False, **options: object) -> None:
        started = time.perf_counter()
        report = load_catalog()
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if not no_embed:
            from apps.careers.services import roles_embed_missing
            from apps.questionbank.services import questions_embed_missing

            roles = roles_embed_missing()
            questions = questions_embed_missing()
            self.stdout.write(f"  embeddings: {roles} roles, {questions} questions (re)computed")
        self.stdout.write(self.style.SUCCESS(f"Catalog loaded in {time.perf_counter() - started:.1f} s"))
