"""Resume files to clean text, one module per job. Plain Python (no Django).

A resume is untrusted data: the file type is decided by its bytes, never its name; lines addressed
to automated screeners are set aside so they cannot steer the match.

- `files`: type sniffing, the zip-bomb check, display names.
- `extract`: PDF/DOCX/text/Markdown to text, in a child process limited in time and memory.
- `text`: encoding repair and screener lines.
- `sections`: sections at the headings, embedding-sized chunks.
- `experience`: years of experience from dated ranges and stated years.
- `errors`: why a file cannot be read, with a message for people.
"""

from ml.resume.errors import (
    ACCEPTED,
    NO_TEXT_MESSAGE,
    ArchiveTooLarge,
    EmptyFile,
    EncryptedFile,
    ExtractionLimitExceeded,
    NoTextFound,
    ResumeTextError,
    UnreadableFile,
    UnsupportedFileType,
)
from ml.resume.experience import ExperienceEvidence, experience_evidence
from ml.resume.extract import extract_text, extract_text_isolated
from ml.resume.files import (
    ARCHIVE_MAX_MEMBERS,
    ARCHIVE_MAX_UNCOMPRESSED_BYTES,
    Kind,
    check_archive_size,
    detect_kind,
    display_filename,
)
from ml.resume.sections import SECTION_NAMES, Chunk, Section, SectionName, chunk_sections, split_sections
from ml.resume.text import repair_text, screener_instructions, without_screener_instructions

__all__ = [
    "ACCEPTED",
    "ARCHIVE_MAX_MEMBERS",
    "ARCHIVE_MAX_UNCOMPRESSED_BYTES",
    "NO_TEXT_MESSAGE",
    "SECTION_NAMES",
    "ArchiveTooLarge",
    "Chunk",
    "EmptyFile",
    "EncryptedFile",
    "ExperienceEvidence",
    "ExtractionLimitExceeded",
    "Kind",
    "NoTextFound",
    "ResumeTextError",
    "Section",
    "SectionName",
    "UnreadableFile",
    "UnsupportedFileType",
    "check_archive_size",
    "chunk_sections",
    "detect_kind",
    "display_filename",
    "experience_evidence",
    "extract_text",
    "extract_text_isolated",
    "repair_text",
    "screener_instructions",
    "split_sections",
    "without_screener_instructions",
]
