"""Resume files to clean text: type sniffing, extraction, encoding repair, sections, chunks, evidence.

Plain Python (no Django). A resume is untrusted data: the file type is decided by its bytes, never
its name; lines addressed to automated screeners are set aside so they cannot steer the match.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ml.injection import SCREENER, addresses_reader

Kind = Literal["pdf", "docx", "text", "markdown"]
SectionName = Literal["summary", "skills", "experience", "projects", "education", "other"]
SECTION_NAMES: tuple[SectionName, ...] = ("summary", "skills", "experience", "projects", "education", "other")


# --- errors --------------------------------------------------------------------------------------
class ResumeTextError(Exception):
    """A file we cannot turn into text, with a message for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedFileType(ResumeTextError):
    pass


class EmptyFile(ResumeTextError):
    pass


class UnreadableFile(ResumeTextError):
    pass


class EncryptedFile(ResumeTextError):
    pass


class ArchiveTooLarge(ResumeTextError):
    """A DOCX/ZIP that would unpack to too much (a "zip bomb"), refused before any part is opened."""


class ExtractionLimitExceeded(ResumeTextError):
    """Reading the file took longer or needed more memory than one resume may."""


class NoTextFound(ResumeTextError):
    pass


NO_TEXT_MESSAGE = (
    "We could not find any text in this file. If it is a scanned image, export your resume as a PDF "
    "with selectable text, or upload a DOCX, TXT or Markdown file."
)
ACCEPTED = "We accept PDF, DOCX, TXT and Markdown resumes."


# --- type sniffing -------------------------------------------------------------------------------
_KNOWN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/AVI/WAV) file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Office (OLE) document; save it as DOCX or PDF"),
    (b"{\\rtf", "an RTF document; save it as DOCX or PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


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
    for magic, what in _KNOWN_MAGIC:
        if data.startswith(magic):
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


# --- extraction ----------------------------------------------------------------------------------
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
            [sys.executable, "-m", "ml.resume_text", kind, str(memory_bytes), str(int(timeout_s) + 1)],
            input=data, capture_output=True, timeout=timeout_s, cwd=Path(__file__).resolve().parents[1], check=False,
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


def repair_text(text: str) -> str:
    """Fix mojibake (ftfy), drop control characters, normalise spaces and blank lines."""
    import ftfy

    text = ftfy.fix_text(text, normalization="NFKC")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    # pypdf breaks words at line ends with a hyphen: "fine-\ntuning" -> "fine-tuning".
    text = re.sub(r"(\w)-\n(\w)", r"\1-\2", text)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- lines addressed to automated screeners -------------------------------------------------------
# The patterns live with the grader's in ml.injection: one place decides what is an attack and what
# only quotes one ("Built guardrails that detect prompt injection such as 'ignore previous
# instructions'" describes the candidate's work).


def screener_instructions(text: str) -> list[str]:
    """Lines that address an automated screener instead of describing the candidate."""
    flagged = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and addresses_reader(stripped, SCREENER):
            flagged.append(stripped)
    return flagged


def without_screener_instructions(text: str) -> tuple[str, list[str]]:
    """(text without the flagged lines, the flagged lines)."""
    flagged = screener_instructions(text)
    if not flagged:
        return text, []
    drop = set(flagged)
    kept = [line for line in text.split("\n") if line.strip() not in drop]
    return "\n".join(kept), flagged


# --- sections ------------------------------------------------------------------------------------
_HEADINGS: dict[SectionName, tuple[str, ...]] = {
    "summary": (
        "summary",
        "professional summary",
        "profile",
        "professional profile",
        "about",
        "about me",
        "objective",
        "career objective",
        "overview",
        "career summary",
        "introduction",
        "what i do now", "profil", "perfil", "kurzprofil", "résumé", "resumo",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core skills",
        "key skills",
        "skills and tools",
        "skills & tools",
        "technologies",
        "tech stack",
        "tools",
        "tools and technologies",
        "competencies",
        "core competencies",
        "expertise",
        "areas of expertise",
        "skills summary",
        "technical expertise",
        "toolbox", "kenntnisse", "fähigkeiten", "compétences", "competências", "habilidades",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "internships",
        "internship",
        "relevant experience",
        "industry experience",
        "research experience",
        "positions",
        "career", "where i worked", "battle-tested at", "work", "jobs", "experiences", "work experiences",
        "professional background", "professional history", "employment record", "career path", "where i've worked", "berufserfahrung", "erfahrung",
        "expérience professionnelle", "expérience", "experiência profissional", "experiência",
    ),
    "projects": (
        "projects",
        "personal projects",
        "selected projects",
        "key projects",
        "academic projects",
        "side projects",
        "open source",
        "open-source",
        "open source contributions",
        "portfolio",
        "things i built", "projekte", "projets", "projetos",
    ),
    "education": (
        "education",
        "academic background",
        "qualifications",
        "education and training",
        "certifications",
        "courses",
        "coursework",
        "relevant coursework",
        "training",
        "ausbildung", "studium", "formation", "formação", "educação",
    ),
    "other": (
        "publications",
        "awards",
        "achievements",
        "honors",
        "honours",
        "interests",
        "languages",
        "language",
        "volunteering",
        "volunteer experience",
        "references",
        "activities",
        "hobbies",
        "talks",
    ),
}
_HEADING_LOOKUP = {phrase: name for name, phrases in _HEADINGS.items() for phrase in phrases}


@dataclass(frozen=True)
class Section:
    name: SectionName
    text: str


def _heading(line: str) -> tuple[SectionName, str] | None:
    """(section, text on the same line) when `line` is a heading such as "Skills" or "Skills: Python"."""
    if len(line) > 80:
        return None
    inline = re.match(r"^[#*_\s]*([A-Za-z][A-Za-z &/-]{1,40}?)[*_\s]*:[*_\s]*(.+)$", line)
    if inline and inline.group(1).strip().lower() in _HEADING_LOOKUP:
        return _HEADING_LOOKUP[inline.group(1).strip().lower()], inline.group(2).strip()
    bare = re.sub(r"[#*_:|=\-\s]+$", "", re.sub(r"^[#*_|=\-\s]+", "", line)).strip().lower()
    bare = re.sub(r"\s+", " ", bare)
    if bare in _HEADING_LOOKUP:
        return _HEADING_LOOKUP[bare], ""
    parts = [p.strip() for p in bare.split("/")]  # "Berufserfahrung / Experience"
    if len(parts) > 1 and parts[0] in _HEADING_LOOKUP:
        return _HEADING_LOOKUP[parts[0]], ""
    return None


def split_sections(text: str) -> list[Section]:
    """Split resume text at known headings. Text before the first heading counts as the summary."""
    current: SectionName = "summary"
    buckets: dict[SectionName, list[str]] = {name: [] for name in SECTION_NAMES}
    for line in text.split("\n"):
        heading = _heading(line.strip())
        if heading:
            current, rest = heading
            if rest:
                buckets[current].append(rest)
            continue
        buckets[current].append(line)
    sections = []
    for name in SECTION_NAMES:
        body = "\n".join(buckets[name]).strip()
        if body:
            sections.append(Section(name=name, text=re.sub(r"\n{3,}", "\n\n", body)))
    return sections


# --- chunks --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chunk:
    section: SectionName
    text: str


SHORT_CHUNK_WORDS = 40


def chunk_sections(sections: Iterable[Section], *, max_words: int = 150, max_chunks: int = 8) -> list[Chunk]:
    """Cut sections into embedding-sized chunks along line boundaries (all-MiniLM reads 256 tokens ≈ 190 words).

    Contact details at the top are noise for matching; chunks need a few words to mean anything, so
    a short section (a one-line education entry) joins its neighbour when they fit together. Every
    chunk costs one vector search per match: at most `max_chunks` (the shortest neighbours are
    merged first; the encoder reads the first 256 tokens of an over-long merged chunk).
    """
    chunks: list[Chunk] = []
    for section in sections:
        words_in_chunk = 0
        lines: list[str] = []
        for line in section.text.split("\n"):
            if _is_contact_line(line):
                continue
            count = len(line.split())
            if lines and words_in_chunk + count > max_words:
                chunks.append(Chunk(section.name, "\n".join(lines)))
                lines, words_in_chunk = [], 0
            if count:
                lines.append(line)
                words_in_chunk += count
        if lines:
            chunks.append(Chunk(section.name, "\n".join(lines)))
    chunks = [c for c in chunks if len(c.text.split()) >= 3]
    merged: list[Chunk] = []
    for chunk in chunks:
        previous = merged[-1] if merged else None
        words = len(chunk.text.split())
        if (
            previous
            and min(words, len(previous.text.split())) < SHORT_CHUNK_WORDS
            and words + len(previous.text.split()) <= max_words
        ):
            merged[-1] = Chunk(previous.section, previous.text + "\n" + chunk.text)
        else:
            merged.append(chunk)
    chunks = merged
    while len(chunks) > max_chunks:
        chunks = _merge_shortest_neighbours(chunks)
    return chunks


def _merge_shortest_neighbours(chunks: list[Chunk]) -> list[Chunk]:
    sizes = [len(a.text.split()) + len(b.text.split()) for a, b in itertools.pairwise(chunks)]
    i = sizes.index(min(sizes))
    merged = Chunk(chunks[i].section, chunks[i].text + "\n" + chunks[i + 1].text)
    return [*chunks[:i], merged, *chunks[i + 2 :]]


_CONTACT = re.compile(
    r"@|https?://|www\.|linkedin|github\.com|\+?\d[\d ()-]{7,}\d|^phone|^email", re.IGNORECASE
)


def _is_contact_line(line: str) -> bool:
    return bool(_CONTACT.search(line)) and len(line.split()) <= 12


# --- experience evidence -------------------------------------------------------------------------
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_MONTH = r"(?:(?P<{0}m>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+|(?P<{0}n>\d{{1,2}})[/.-])?"
_RANGE = re.compile(
    _MONTH.format("a")
    + r"(?P<ay>(?:19|20)\d{2})\s*(?:-|–|—|to|until)\s*"
    + r"(?:"
    + _MONTH.format("b")
    + r"(?P<by>(?:19|20)\d{2})|(?P<now>present|current|now|today|ongoing|heute|aujourd'hui|atual|actuel|presente|hoy))",
    re.IGNORECASE,
)
_STATED = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\b(?:\s+of)?(?:\s+[\w/-]+){0,3}?\s+(?:experience|exp\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExperienceEvidence:
    """How much real work history a resume shows (years from dated ranges and stated years)."""

    years: float
    dated_years: float
    stated_years: float
    experience_words: int
    has_experience: bool
    notes: list[str] = field(default_factory=list)


def experience_evidence(sections: Iterable[Section], *, today: date) -> ExperienceEvidence:
    """Years of experience: merged date ranges in the experience section; a stated "N years of
    experience" counts only when an experience section with substance backs it up."""
    by_name = {s.name: s.text for s in sections}
    experience = by_name.get("experience", "")
    words = len(re.findall(r"[A-Za-z]{2,}", experience))
    intervals = []
    for match in _RANGE.finditer(experience):
        start = _month_index(match.group("ay"), match.group("am"), match.group("an"), default_month=1)
        if match.group("now"):
            end = today.year * 12 + today.month - 1
        else:
            end = _month_index(match.group("by"), match.group("bm"), match.group("bn"), default_month=12)
        if start is not None and end is not None and end >= start and end <= today.year * 12 + today.month:
            intervals.append((start, end + 1))
    dated = _merged_length(intervals) / 12
    all_text = "\n".join(by_name.values())
    stated = max((float(m.group("n")) for m in _STATED.finditer(all_text)), default=0.0)
    stated = min(stated, 45.0)
    has_experience = dated > 0 or words >= 40
    notes = []
    if stated and words < 40 and dated == 0:
        notes.append("Stated years of experience are not backed by an experience section.")
    years = max(dated, stated if words >= 40 else 0.0)
    return ExperienceEvidence(
        years=round(years, 1),
        dated_years=round(dated, 1),
        stated_years=stated,
        experience_words=words,
        has_experience=has_experience,
        notes=notes,
    )


def _month_index(
    year: str, month_name: str | None, month_number: str | None, *, default_month: int
) -> int | None:
    month = default_month
    if month_name:
        month = _MONTHS.get(month_name[:3].lower(), default_month)
    elif month_number and 1 <= int(month_number) <= 12:
        month = int(month_number)
    return int(year) * 12 + month - 1


def _merged_length(intervals: list[tuple[int, int]]) -> int:
    total, current_end = 0, None
    current_start = 0
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return total


# --- filenames -----------------------------------------------------------------------------------
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


_ERRORS: dict[str, type[ResumeTextError]] = {
    cls.__name__: cls
    for cls in (ResumeTextError, UnsupportedFileType, EmptyFile, UnreadableFile, EncryptedFile, NoTextFound,
                ArchiveTooLarge, ExtractionLimitExceeded)
}


def _main() -> None:
    """`python -m ml.resume_text KIND MEMORY_BYTES CPU_SECONDS` < file: the child of
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


if __name__ == "__main__":
    _main()
