"""Loading the catalog with a record of the run (what the operations page shows as the last load)."""

from __future__ import annotations

from django.utils import timezone

from apps.catalog.loader import LoadReport, load_catalog
from apps.catalog.models import CatalogLoad


def catalog_load_recorded(*, embed: bool = True) -> tuple[CatalogLoad, LoadReport]:
    """`load_catalog` (then the missing role and question vectors), recorded as a `CatalogLoad`; a
    failure is recorded with its error and raised again."""
    from apps.careers.services import roles_embed_missing
    from apps.questionbank.services import questions_embed_missing

    record = CatalogLoad.objects.create(started_at=timezone.now())
    try:
        report = load_catalog()
        record.summary = report.lines()
        if embed:
            roles, questions = roles_embed_missing(), questions_embed_missing()
            record.embeddings = f"{roles} roles, {questions} questions (re)computed"
    except Exception as exc:
        record.error = f"{type(exc).__name__}: {exc}"[:2000]
        record.finished_at = timezone.now()
        record.save(update_fields=["summary", "embeddings", "error", "finished_at"])
        raise
    record.ok, record.finished_at = True, timezone.now()
    record.save(update_fields=["summary", "embeddings", "ok", "finished_at"])
    return record, report
