"""Resume actions: upload (validate by content, store privately), process (the visible steps), delete."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError, PayloadTooLarge, UnsupportedMediaType
from apps.resumes import selectors
from apps.resumes.models import Resume, ResumeChunk, ResumeSkill
from apps.roadmap.models import Skill
from ml import experience, matching, resume_text
from ml.resume_text import ArchiveTooLarge, ResumeTextError, UnsupportedFileType

logger = logging.getLogger(__name__)

DUPLICATE_MESSAGE = "You already uploaded this file; here is that resume."


@dataclass(frozen=True)
class UploadResult:
    resume: Resume
    duplicate: bool


def resume_file_path(resume: Resume) -> Path:
    return _storage_path(resume.stored_name)


def _storage_path(stored_name: str) -> Path:
    return Path(settings.PRIVATE_UPLOAD_DIR) / "resumes" / stored_name[:2] / stored_name


def too_large_message() -> str:
    limit_mb = settings.RESUME_MAX_BYTES / (1024 * 1024)
    return f"This file is larger than {limit_mb:g} MB. Upload a shorter resume or a smaller export."


def _read_bounded(handle: IO[bytes], limit: int) -> bytes:
    """Read at most `limit` bytes; more than that is a 413 (never trust a declared size alone)."""
    handle.seek(0)
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(too_large_message(), errors={"file": [too_large_message()]})
    return data


def resume_upload(*, user: User, file: IO[bytes], filename: str, size: int | None = None) -> UploadResult:
    """Validate an uploaded resume by its content and queue it for processing.

    Every rejection at upload (413 too large, also once unpacked; 415 not a PDF/DOCX/text; 400 empty)
    happens before anything is written, so no row and no file are left behind. A file that cannot
    be read (damaged, encrypted, no text) fails in the worker, with the message on the resume. The same file
    (sha256) uploaded again by the same learner returns the existing resume (`duplicate=True`).
    """
    if size is not None and size > settings.RESUME_MAX_BYTES:
        raise PayloadTooLarge(too_large_message(), errors={"file": [too_large_message()]})
    data = _read_bounded(file, settings.RESUME_MAX_BYTES)
    display_name = resume_text.display_filename(filename)
    try:
        # Sniffing only (a ZIP's central directory is read, nothing is inflated): parsing the file is
        # the documents worker's job, in a child process limited in time and memory (resume_process).
        kind = resume_text.detect_kind(data, display_name)
    except UnsupportedFileType as exc:
        raise UnsupportedMediaType(exc.message, errors={"file": [exc.message]}) from exc
    except ArchiveTooLarge as exc:
        raise PayloadTooLarge(exc.message, errors={"file": [exc.message]}) from exc
    except ResumeTextError as exc:
        raise ApplicationError(exc.message, errors={"file": [exc.message]}) from exc

    digest = hashlib.sha256(data).hexdigest()
    existing = Resume.objects.filter(user=user, sha256=digest).first()
    if existing is not None:
        return UploadResult(existing, duplicate=True)

    stored_name = secrets.token_hex(16)
    path = _storage_path(stored_name)
    _write_private(path, data)
    try:
        with transaction.atomic():
            resume = Resume(user=user, filename=display_name, stored_name=stored_name, kind=kind,
                            size_bytes=len(data), sha256=digest)
            resume.full_clean(validate_constraints=False)
            resume.save()
            # robust: with the broker down the upload is kept (202); resumes_requeue_stuck retries it.
            transaction.on_commit(lambda: _queue_processing(resume.pk), robust=True)
    except IntegrityError:
        # The same file, uploaded twice at the same moment: the other request won.
        path.unlink(missing_ok=True)
        return UploadResult(Resume.objects.get(user=user, sha256=digest), duplicate=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return UploadResult(resume, duplicate=False)


def _queue_processing(resume_id: int) -> None:
    from apps.resumes import tasks

    tasks.resume_process_task.delay(resume_id)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _set_step(resume: Resume, step: str) -> None:
    resume.step = step
    Resume.objects.filter(pk=resume.pk).update(step=step)


def _fail(resume: Resume, message: str) -> Resume:
    resume.status, resume.step, resume.error = Resume.Status.FAILED, Resume.Step.FAILED, message
    Resume.objects.filter(pk=resume.pk).update(status=resume.status, step=resume.step, error=message,
                                               processed_at=timezone.now())
    return resume


def resume_process(*, resume_id: int, today: date | None = None) -> Resume | None:
    """Run the processing steps, recording each on the resume so the page can show progress.

    extracting → repairing → sections → skills → embedding → matching → ready (or failed, with a
    message). Idempotent: a ready resume is left alone; a deleted one is skipped.
    """
    resume = Resume.objects.filter(pk=resume_id).first()
    if resume is None or resume.status == Resume.Status.READY:
        return resume
    try:
        _set_step(resume, Resume.Step.EXTRACTING)
        try:
            data = resume_file_path(resume).read_bytes()
        except FileNotFoundError:
            return _fail(resume, "The uploaded file is missing. Upload it again.")
        raw = resume_text.extract_text_isolated(data, resume.kind,  # type: ignore[arg-type]
                                                timeout_s=settings.RESUME_EXTRACT_TIMEOUT_S,
                                                memory_bytes=settings.RESUME_EXTRACT_MEMORY_BYTES)

        _set_step(resume, Resume.Step.REPAIRING)
        text = resume_text.repair_text(raw)

        _set_step(resume, Resume.Step.SECTIONS)
        # Resume text is data: lines talking to "the AI screener" are kept for display, never matched.
        clean, flagged = resume_text.without_screener_instructions(text)
        sections = resume_text.split_sections(clean)
        matcher = selectors.skill_matcher()
        # Years in the field only: a bookshop job before a bootcamp is not experience for a tech posting.
        evidence = experience.experience_evidence(sections, matcher, today=today or timezone.now().date())

        _set_step(resume, Resume.Step.SKILLS)
        found = matcher.find_in_sections((s.name, s.text) for s in sections)
        skill_ids = dict(Skill.objects.filter(slug__in=found).values_list("slug", "id"))

        _set_step(resume, Resume.Step.EMBEDDING)
        chunks = resume_text.chunk_sections(sections) or [
            resume_text.Chunk("summary", " ".join(clean.split()[:150]) or resume.filename)
        ]
        from ml.embeddings import get_encoder

        vectors = get_encoder().encode([f"{c.section.title()}: {c.text}" for c in chunks])

        with transaction.atomic():
            locked = Resume.objects.select_for_update().filter(pk=resume_id).first()
            if locked is None:  # deleted while we worked
                return None
            ResumeChunk.objects.filter(resume=locked).delete()
            ResumeSkill.objects.filter(resume=locked).delete()
            ResumeChunk.objects.bulk_create([
                ResumeChunk(resume=locked, order=i, section=c.section, text=c.text, embedding=v.tolist())
                for i, (c, v) in enumerate(zip(chunks, vectors, strict=True))
            ])
            ResumeSkill.objects.bulk_create([
                ResumeSkill(resume=locked, skill_id=skill_ids[slug], mentions=min(e.mentions, 32767),
                            sections=list(e.sections), evidence=e.weight)
                for slug, e in found.items() if slug in skill_ids
            ])
            resume.text = text
            resume.sections = {s.name: s.text for s in sections}
            resume.flagged_lines = flagged
            resume.years_experience = evidence.years
            resume.has_experience = evidence.has_experience
            resume.embedding = matching.resume_vector([v.tolist() for v in vectors])
            resume.error = ""
            resume.save(update_fields=["text", "sections", "flagged_lines", "years_experience",
                                       "has_experience", "embedding", "error"])

        _set_step(resume, Resume.Step.MATCHING)
        from apps.careers.free_terms import free_terms_record
        from apps.resumes.scores import resume_role_scores_store

        free_terms_record(text=clean, source="resume")
        resume_role_scores_store(resume=resume)  # also its disciplines, which the matching below uses
        best = selectors.resume_matches(resume=resume, k=5, explain=False)
        resume.top_matches = [{"role": m.role.pk, "title": m.role.title, "score": m.score.score} for m in best]
        resume.status, resume.step, resume.processed_at = Resume.Status.READY, Resume.Step.READY, timezone.now()
        resume.save(update_fields=["top_matches", "status", "step", "processed_at"])
        return resume
    except ResumeTextError as exc:
        return _fail(resume, exc.message)
    except Exception:
        logger.exception("resume processing failed", extra={"resume_id": resume_id})
        _fail(resume, "Processing failed unexpectedly. Delete this resume and upload it again.")
        raise


RESUME_STUCK_AFTER_MINUTES = 10  # well past resume_process_task's hard time limit (240 s)


def resumes_requeue_stuck(*, older_than_minutes: int | None = None) -> int:
    """Queue processing again for resumes still processing long after upload: a worker killed
    mid-processing, or a broker that was down when the upload was queued. Returns how many."""
    minutes = RESUME_STUCK_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    cutoff = timezone.now() - timedelta(minutes=minutes)
    stuck = Resume.objects.filter(status=Resume.Status.PROCESSING, created_at__lte=cutoff)
    ids = list(stuck.order_by("created_at").values_list("pk", flat=True)[:200])
    for resume_id in ids:
        _queue_processing(resume_id)
    return len(ids)


@transaction.atomic
def resume_delete(*, resume: Resume) -> None:
    """Delete the resume: its row and text, its skills and vectors (cascade), and the stored file.

    `resume_erasing` goes out first, so the apps above erase what they derived from its text (the
    interview question an LLM wrote about a project on it: apps/privacy/receivers.py).
    """
    from apps.resumes.signals import resume_erasing

    resume_erasing.send(sender=Resume, resume=resume)
    path = resume_file_path(resume)
    resume.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
