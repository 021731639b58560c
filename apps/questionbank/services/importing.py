"""Importing questions from JSON/CSV rows: create or update by key or prompt, report every row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError
from apps.questionbank.models import Question
from apps.questionbank.services.embedding import _embed_after_commit
from apps.questionbank.services.questions import (
    _known_skills,
    question_changes,
    question_create,
    question_update,
)
from apps.questionbank.validation import clean_question_fields


@dataclass
class ImportRowOutcome:
    row: int  # 1-based position of the question in the file (a CSV header does not count)
    action: str  # "created" | "updated" | "skipped" | "error"
    key: str = ""
    prompt: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRowOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [{"row": r.row, "errors": r.errors} for r in self.rows if r.action == "error"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.count("created"), "updated": self.count("updated"), "skipped": self.count("skipped"),
            "errors": self.errors, "dry_run": self.dry_run,
        }


class _DryRunRollback(Exception):
    pass


def questions_import(*, rows: Sequence[Any], user: User | None, dry_run: bool = False) -> ImportReport:
    """Create or update questions from import rows; invalid rows are reported (row number + reason), not written.

    A row matches an existing question by `key` when it has one, else by its exact prompt; a row that
    changes nothing is skipped, so importing the same file twice creates nothing. `dry_run` does all
    the work inside a transaction that is rolled back, so its counts are exactly what an import would do.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_rows(rows, user=user, report=report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _import_rows(rows: Sequence[Any], *, user: User | None, report: ImportReport) -> None:
    known_skills = _known_skills()
    by_key = {q.key: q for q in Question.objects.select_related("current_version").prefetch_related("skills")}
    by_prompt: dict[str, Question] = {}
    for question in sorted(by_key.values(), key=lambda q: q.pk):
        if question.current_version is not None:
            by_prompt.setdefault(question.current_version.prompt.strip(), question)
    seen: dict[str, int] = {}
    touched = False
    for number, row in enumerate(rows, start=1):
        outcome = ImportRowOutcome(row=number, action="error")
        report.rows.append(outcome)
        if not isinstance(row, Mapping):
            outcome.errors = {"non_field_errors": ["Each question must be an object with prompt, round and key points."]}
            continue
        outcome.key = str(row.get("key") or "")[:120]
        outcome.prompt = str(row.get("prompt") or "")[:120]
        try:
            data = clean_question_fields(row, known_skills=known_skills)
        except ValidationError as exc:
            outcome.errors = exc.message_dict
            continue
        identity = f"key:{data['key']}" if data.get("key") else f"prompt:{data['prompt']}"
        if identity in seen:
            what = "key" if data.get("key") else "prompt"
            outcome.errors = {what: [f"Row {seen[identity]} already has this {what}."]}
            continue
        seen[identity] = number
        existing = by_key.get(data["key"]) if data.get("key") else by_prompt.get(data["prompt"])
        try:
            with transaction.atomic():
                if existing is None:
                    question = question_create(
                        user=user, source=Question.Source.IMPORTED, statuses=Question.Status.values, embed=False,
                        **{"status": Question.Status.DRAFT, "difficulty": 2, **data},
                    )
                    by_key[question.key] = question
                    outcome.action, outcome.key = "created", question.key
                    touched = True
                elif any(question_changes(question=existing, data=data).values()):
                    fields = {k: v for k, v in data.items() if k != "key"}
                    updated = question_update(question=existing, user=user, **fields)
                    by_key[updated.key] = updated
                    outcome.action, outcome.key = "updated", existing.key
                    touched = True
                else:
                    outcome.action, outcome.key = "skipped", existing.key
        except ApplicationError as exc:
            outcome.action, outcome.errors = "error", exc.errors or {"non_field_errors": [exc.message]}
    if touched:
        # One batch embedding job for the whole file instead of a task per question.
        _embed_after_commit(None)
