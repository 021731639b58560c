"""A resume file's text (PDF, DOCX, text, Markdown), read in a child process limited in time and memory."""

from __future__ import annotations

import io
import re
import zipfile

from ml.resume.errors import (
    _ERRORS,
    NO_TEXT_MESSAGE,
    EmptyFile,
    EncryptedFile,
    ExtractionLimitExceeded,
    NoTextFound,
    ResumeTextError,
    UnreadableFile,
)
from ml.resume.files import Kind


def extract_text(data: bytes, kind: Kind) -> str:
    """The text of a resume file. Raises a `ResumeTextError` subclass with a message for people."""
    if not data:
        raise EmptyFile("The file is empty.")
    if kind == "pdf":
        text = _pdf_text(data)
    elif kind == "docx":
        text = _docx_text(data)
    else:
        text = data.decode("utf-8-sig", errors="strict")
        if kind == "markdown":
            text = _markdown_to_text(text)
    if not re.search(r"\w{2,}", text):
        raise NoTextFound(NO_TEXT_MESSAGE)
    return text


def extract_text_isolated(data: bytes, kind: Kind, *, timeout_s: float = 60.0,
                          memory_bytes: int = 1024 * 1024 * 1024) -> str:
    """`extract_text` in a child process limited in time and address space, so a hostile PDF or DOCX
    can neither hang nor exhaust the worker. Raises the same `ResumeTextError`s as `extract_text`."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    too_big = ExtractionLimitExceeded(
        "Reading this file needed more time or memory than a resume may; it may be damaged or hostile. "
        "Export it again as PDF or DOCX and re-upload."
    )
    try:
        child = subprocess.run(  # noqa: S603 - our own module, fixed arguments, the file on stdin
            [sys.executable, "-m", "ml.resume", kind, str(memory_bytes), str(int(timeout_s) + 1)],
            input=data, capture_output=True, timeout=timeout_s, cwd=Path(__file__).resolve().parents[2], check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise too_big from exc
    try:
        result = json.loads(child.stdout)
    except ValueError as exc:  # killed (memory, CPU) before it could answer
        raise too_big from exc
    if "text" in result:
        return str(result["text"])
    error = _ERRORS.get(result.get("error", ""), UnreadableFile)
    raise error(str(result.get("message") or "This file could not be read."))


def _pdf_text(data: bytes) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files log pages of warnings
    damaged = "This PDF could not be read; it may be damaged. Export it again from your editor and re-upload."
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise EncryptedFile(
                "This PDF is password-protected. Remove the password (print or export it "
                "to a new PDF) and upload it again."
            )
        pages = list(reader.pages)
        if not pages:
            raise UnreadableFile(damaged)
        parts = [page.extract_text() or "" for page in pages[:30]]
    except ResumeTextError:
        raise
    except (
        PyPdfError,
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
        AssertionError,
        ZeroDivisionError,
    ) as exc:
        raise UnreadableFile(damaged) from exc
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(
            "This Word document could not be read; it may be damaged. Save it again (as .docx) and re-upload."
        ) from exc
    except Exception as exc:  # lxml raises its own XMLSyntaxError family on broken XML parts
        raise UnreadableFile("This Word document could not be read; it may be damaged.") from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines)


def _markdown_to_text(text: str) -> str:
    """Markdown to plain lines: keep headings as lines, drop emphasis and link targets."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text


def _main() -> None:
    """`python -m ml.resume KIND MEMORY_BYTES CPU_SECONDS` < file: the child of
    `extract_text_isolated`. Limits itself before any parser is imported; answers JSON on stdout."""
    import json
    import resource
    import sys

    kind, memory_bytes, cpu_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    try:
        text = extract_text(sys.stdin.buffer.read(), kind)  # type: ignore[arg-type]
    except ResumeTextError as exc:
        answer: dict[str, str] = {"error": type(exc).__name__, "message": exc.message}
    except MemoryError:
        answer = {"error": "ExtractionLimitExceeded", "message": "Reading this file needed too much memory."}
    else:
        answer = {"text": text}
    sys.stdout.write(json.dumps(answer))
