"""Fixtures for resume tests: a private upload folder per test, the labelled role set, processing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 1)  # "Present" in the fixtures' date ranges ends here


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path) -> Path:
    """Each test gets its own PRIVATE_UPLOAD_DIR so "no file left behind" can be checked exactly."""
    settings.PRIVATE_UPLOAD_DIR = tmp_path / "private"
    return settings.PRIVATE_UPLOAD_DIR


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def fixture_bytes(name: str) -> bytes:
    if name.endswith(".pdf"):
        from tests.resumes.pdfs import text_pdf

        return text_pdf((FIXTURES / name.replace(".pdf", ".txt")).read_text())
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def labelled_roles(db) -> dict[str, object]:
    """Replace the catalog roles (inside this test's transaction) with the 18 labelled roles, embedded."""
    from apps.careers.models import JobRole, RoleSkill
    from apps.careers.services import roles_embed_missing
    from apps.roadmap.models import Skill

    JobRole.objects.all().delete()
    spec = yaml.safe_load((FIXTURES / "roles.yaml").read_text())["roles"]
    skills = {s.slug: s for s in Skill.objects.all()}
    roles = {}
    for item in spec:
        role = JobRole.objects.create(slug=item["slug"], title=item["title"], seniority=item["seniority"],
                                      description=item["description"])
        RoleSkill.objects.bulk_create([RoleSkill(role=role, skill=skills[slug], weight=w)
                                       for slug, w in item["skills"].items()])
        roles[item["slug"]] = role
    roles_embed_missing()
    return roles


@pytest.fixture
def process_resume(db) -> Callable[..., object]:
    """Upload bytes through the service and run processing synchronously (the worker's code path)."""
    from apps.resumes import services

    def run(user: object, name: str, data: bytes | None = None) -> object:
        data = fixture_bytes(name) if data is None else data
        upload = SimpleUploadedFile(name, data)
        result = services.resume_upload(user=user, file=upload, filename=name, size=len(data))
        resume = services.resume_process(resume_id=result.resume.pk, today=TODAY)
        assert resume is not None and resume.status == "ready", getattr(resume, "error", None)
        return resume

    return run
