"""A resume file's type from its bytes (never its name), the zip-bomb check, a safe display name."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Literal

import filetype

from ml.resume.errors import ACCEPTED, ArchiveTooLarge, EmptyFile, UnsupportedFileType

Kind = Literal["pdf", "docx", "text", "markdown"]


# filetype needs an OLE file's whole directory to tell Word from Excel; any OLE file is an old Office document.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _looks_like(data: bytes) -> str | None:
    """What a file that is not a resume document looks like, from its bytes (the `filetype` library)."""
    if data.startswith(_OLE):
        return "an old Word/Office (OLE) document; save it as DOCX or PDF"
    kind = filetype.guess(data)
    if kind is None:
        return None
    family, _, subtype = kind.mime.partition("/")
    name = kind.extension.upper()
    if family in ("image", "video", "audio"):
        return f"a {subtype.upper() if family == 'image' else name} {family if family == 'image' else family + ' file'}"
    if kind.mime == "application/rtf":
        return "an RTF document; save it as DOCX or PDF"
    if kind.mime in ("application/x-msdownload", "application/x-executable", "application/x-elf"):
        return "a program"
    if filetype.is_archive(data):
        return f"a {name} archive"
    return f"a {name} file ({kind.mime})"


def detect_kind(data: bytes, filename: str = "") -> Kind:
    """The resume's type from its content: %PDF-, a ZIP holding word/document.xml, or UTF-8 text.

    The name only tells Markdown from plain text (both are text). Raises `EmptyFile` or
    `UnsupportedFileType` (with what the bytes look like).
    """
    if not data or not data.strip():
        raise EmptyFile("The file is empty.")
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") or b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()  # the central directory only: nothing is decompressed
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise UnsupportedFileType(f"This file is a damaged ZIP archive. {ACCEPTED}") from exc
        check_archive_size(members)
        if "word/document.xml" in {m.filename for m in members}:
            return "docx"
        raise UnsupportedFileType(f"This file is a ZIP archive, not a Word document. {ACCEPTED}")
    what = _looks_like(head)
    if what is not None:
        raise UnsupportedFileType(f"This file looks like {what}. {ACCEPTED}")
    if b"\x00" in data:
        raise UnsupportedFileType(f"This file is binary, not a resume document. {ACCEPTED}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedFileType(f"This file is neither a PDF, a DOCX nor UTF-8 text. {ACCEPTED}") from exc
    lowered = filename.lower()
    return "markdown" if lowered.endswith((".md", ".markdown")) else "text"


# A Word resume unpacks to a few MB at most (images included); zipfile never inflates a member past
# the size the central directory declares, so checking the declared sizes bounds what parsing reads.
ARCHIVE_MAX_MEMBERS = 1000


ARCHIVE_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024


def check_archive_size(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a DOCX/ZIP with too many members or too many bytes once unpacked, before parsing it."""
    if len(members) > ARCHIVE_MAX_MEMBERS:
        raise ArchiveTooLarge(
            f"This Word document holds {len(members):,} files; a resume has a few dozen. Save it again as DOCX or PDF."
        )
    unpacked = sum(max(m.file_size, 0) for m in members)
    if unpacked > ARCHIVE_MAX_UNCOMPRESSED_BYTES:
        limit_mb = ARCHIVE_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
        raise ArchiveTooLarge(
            f"This Word document unpacks to {unpacked / (1024 * 1024):,.0f} MB, more than the {limit_mb} MB a "
            "resume may. Remove large images or save it as PDF."
        )


def display_filename(name: str, *, max_length: int = 120) -> str:
    """A safe name to show: no path, no control or odd characters, bounded length, extension kept."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = re.sub(r"[^\w .()+-]", "_", name).strip(" .")
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"_+", "_", name)
    if not name:
        return "resume"
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: max_length - len(ext) - 1] + "." + ext
        else:
            name = name[:max_length]
    return name
