"""Privacy tests look for a learner in every table of the real database, not in a model list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _no_llm(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("LLM_BACKEND", "none")
    monkeypatch.delenv("LLM_BASE_URL", raising=False)
    yield


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path) -> Path:
    settings.PRIVATE_UPLOAD_DIR = tmp_path / "private"
    return settings.PRIVATE_UPLOAD_DIR


def tables_containing(text: str) -> dict[str, int]:
    """Every table with a row whose text (all columns, JSON included) contains `text`, case-insensitively."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted} AS t WHERE t::text ILIKE %s", [f"%{text}%"])  # noqa: S608
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found


def tables_referring_to_user(user_id: int) -> dict[str, int]:
    """Every foreign key column, in every table, that points at this user's row."""
    user_table = "accounts_user"
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column, (_, target) in connection.introspection.get_relations(cursor, table).items():
                if target != user_table:
                    continue
                quoted, col = connection.ops.quote_name(table), connection.ops.quote_name(column)
                cursor.execute(f"SELECT count(*) FROM {quoted} WHERE {col} = %s", [user_id])  # noqa: S608
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
        cursor.execute("SELECT count(*) FROM accounts_user WHERE id = %s", [user_id])
        if cursor.fetchone()[0]:
            found["accounts_user.id"] = 1
    return found


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
