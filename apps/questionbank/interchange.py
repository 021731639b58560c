"""The import/export file formats: a JSON list of questions, or CSV with one question per row.

Both carry the API's question shape. In CSV, skills are ";"-separated and key points are
"weight|text|follow-up question" items separated by newlines or ";;" (each point carries its own
follow-up). A `follow_up_hints` column from older exports is still read: one hint per key point.
Parsing only turns files into row dicts; `validation.py` judges the rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from apps.core.exceptions import ApplicationError, PayloadTooLarge, UnsupportedMediaType
from apps.questionbank.models import Question
from apps.questionbank.validation import format_weight

CSV_COLUMNS = ["key", "round", "difficulty", "skills", "prompt", "key_points", "reference_answer", "status"]
REQUIRED_CSV_COLUMNS = {"prompt", "round", "key_points"}
LEGACY_CSV_COLUMNS = ["follow_up_hints"]  # read, never written
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 2000


def rows_from_json(data: Any) -> list[Any]:
    """A list of questions, or `{"questions": [...]}` as in the bank's YAML files."""
    if isinstance(data, Mapping) and "questions" in data:
        data = data["questions"]
    if not isinstance(data, list):
        raise ApplicationError(
            "Expected a JSON list of questions.", errors={"file": ["Expected a JSON list of questions."]}
        )
    if len(data) > MAX_IMPORT_ROWS:
        raise ApplicationError(f"At most {MAX_IMPORT_ROWS} questions per import (got {len(data)}).")
    return data


def rows_from_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = sorted(REQUIRED_CSV_COLUMNS - set(header))
    if missing:
        message = f"The CSV header must include {', '.join(sorted(REQUIRED_CSV_COLUMNS))}; missing: {', '.join(missing)}."
        raise ApplicationError(message, errors={"file": [message]})
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    try:
        for raw in reader:
            # Empty cells mean "not given", so a sparse CSV only sets the columns it fills.
            rows.append({k: v for k, v in raw.items() if k and k in (*CSV_COLUMNS, *LEGACY_CSV_COLUMNS) and v is not None and v.strip()})
            if len(rows) > MAX_IMPORT_ROWS:
                raise ApplicationError(f"At most {MAX_IMPORT_ROWS} questions per import.")
    except csv.Error as exc:
        raise ApplicationError(f"The CSV could not be read: {exc}.", errors={"file": [str(exc)]}) from None
    return rows


def rows_from_upload(*, name: str, data: bytes) -> tuple[str, list[Any]]:
    """Parse an uploaded .json or .csv file into rows; returns (format, rows)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise PayloadTooLarge(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    lowered = name.lower()
    if lowered.endswith(".json"):
        file_format = "json"
    elif lowered.endswith(".csv"):
        file_format = "csv"
    else:
        raise UnsupportedMediaType("Upload a .json or .csv file.", errors={"file": ["Upload a .json or .csv file."]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError("The file is not UTF-8 text.", errors={"file": ["The file is not UTF-8 text."]}) from None
    if file_format == "csv":
        return file_format, rows_from_csv(text)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        raise ApplicationError(message, errors={"file": [message]}) from None
    return file_format, rows_from_json(parsed)


def question_as_row(question: Question) -> dict[str, Any]:
    """The import shape of a question (with `select_related("current_version")` and skills prefetched)."""
    version = question.current_version
    return {
        "key": question.key,
        "round": question.round,
        "difficulty": question.difficulty,
        "skills": [s.slug for s in question.skills.all()],
        "prompt": version.prompt if version else "",
        "key_points": [
            {"id": kp.get("id", ""), "text": kp["text"],
             "weight": int(kp["weight"]) if float(kp["weight"]).is_integer() else kp["weight"],
             "follow_up": kp.get("follow_up", "")}
            for kp in (version.key_points if version else [])
        ],
        "reference_answer": version.reference_answer if version else "",
        "status": question.status,
    }


def rows_to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({
            **row,
            "skills": ";".join(row["skills"]),
            "key_points": "\n".join(
                f"{format_weight(kp['weight'])}|{kp['text']}" + (f"|{kp['follow_up']}" if kp.get("follow_up") else "")
                for kp in row["key_points"]
            ),
        })
    return out.getvalue()


def csv_row_lines(data: bytes) -> list[int]:
    """The file line each CSV row starts on (row 1 is the first after the header), so an import report can
    say "line 7" for a row whose cells span several lines. Empty for text that is not readable CSV."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        next(reader, None)  # the header
        lines: list[int] = []
        start = reader.line_num + 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error):
        return []
    return lines
