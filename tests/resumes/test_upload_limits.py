"""Hostile uploads: archives that unpack to too much are refused before parsing; parsing runs in a
limited child process; the browser upload counts against the API's upload throttle."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.throttling import ScopedRateThrottle

from apps.resumes.models import Resume
from ml import resume_text
from tests.resumes.conftest import stored_files
from tests.resumes.pdfs import docx_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/resumes/"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_docx_that_unpacks_to_too_much_is_413_before_it_is_parsed(api, private_uploads):
    bomb = _zip({"word/document.xml": b"<w:document/>", "word/media/huge.bin": b"\0" * (65 * 1024 * 1024)})
    assert len(bomb) < 200_000  # small on the wire
    response = api.post(URL, {"file": SimpleUploadedFile("cv.docx", bomb)}, format="multipart")
    assert response.status_code == 413
    assert "unpacks to 65 MB" in response.json()["detail"]
    assert not Resume.objects.exists() and stored_files(private_uploads) == []


def test_a_docx_with_too_many_members_is_refused(api):
    crowded = _zip({"word/document.xml": b"<w:document/>", **{f"word/x{i}.xml": b"" for i in range(1001)}})
    response = api.post(URL, {"file": SimpleUploadedFile("cv.docx", crowded)}, format="multipart")
    assert response.status_code == 413 and "1,002 files" in response.json()["detail"]


def test_extraction_runs_in_a_child_limited_in_memory():
    text = resume_text.extract_text_isolated(docx_bytes(["Summary", "ML engineer, Python"]), "docx")
    assert "ML engineer" in text
    with pytest.raises(resume_text.ExtractionLimitExceeded):
        # 50 MB of text read and decoded needs more than 96 MB: the child dies, the worker does not
        resume_text.extract_text_isolated(b"word " * 10_000_000, "text", memory_bytes=96 * 1024 * 1024)


def test_a_hanging_extraction_is_stopped_by_its_time_limit():
    with pytest.raises(resume_text.ExtractionLimitExceeded):
        resume_text.extract_text_isolated(b"x" * 10, "text", timeout_s=0.001)


def test_browser_uploads_count_against_the_api_upload_throttle(client, api, user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "uploads": "2/hour"})
    client.force_login(user)
    first = client.post("/resumes/", {"file": SimpleUploadedFile("a.txt", b"Skills\nPython, PyTorch")})
    assert first.status_code == 302
    second = api.post(URL, {"file": SimpleUploadedFile("b.txt", b"Skills\nPython, FAISS")}, format="multipart")
    assert second.status_code == 202
    third = client.post("/resumes/", {"file": SimpleUploadedFile("c.txt", b"Skills\nPython, LoRA")})
    assert third.status_code == 429 and "Too many uploads" in third.content.decode()
    assert api.post(URL, {"file": SimpleUploadedFile("d.txt", b"Skills\nRust")}, format="multipart").status_code == 429
    assert Resume.objects.filter(user=user).count() == 2
