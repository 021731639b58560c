"""Why a resume file cannot be read, each with a message for the person who uploaded it."""

from __future__ import annotations


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


_ERRORS: dict[str, type[ResumeTextError]] = {
    cls.__name__: cls
    for cls in (ResumeTextError, UnsupportedFileType, EmptyFile, UnreadableFile, EncryptedFile, NoTextFound,
                ArchiveTooLarge, ExtractionLimitExceeded)
}
