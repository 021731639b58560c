"""POST/GET/DELETE /api/v1/resumes/ and the matches: statuses, messages, privacy, nothing left behind."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.resumes.models import Resume, ResumeChunk, ResumeSkill
from tests.resumes.conftest import fixture_bytes, stored_files
from tests.resumes.pdfs import docx_bytes, encrypted_pdf, image_only_pdf, text_pdf

URL = "/api/v1/resumes/"
RESUME = b"Summary\nML engineer\nExperience\nBuilt RAG systems with LangChain, 2021 - Present\nSkills\nPython, PyTorch"


def _upload(client, data: bytes, name: str = "cv.txt"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def _zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


def test_upload_returns_202_and_stores_the_file_privately_under_a_random_name(api, user, private_uploads,
                                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _upload(api, RESUME, "../../My CV.txt")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "processing" and body["duplicate"] is False
    resume = Resume.objects.get(pk=body["id"])
    assert resume.user == user and resume.filename == "My CV.txt" and resume.kind == "text"
    files = stored_files(private_uploads)
    assert len(files) == 1 and files[0].name == resume.stored_name and "CV" not in files[0].name
    assert files[0].read_bytes() == RESUME
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert len(callbacks) == 1  # processing is queued after commit, never inside the transaction


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("cv.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, 415, "PNG image"),
        ("cv.pdf", _zip_without_document(), 415, "ZIP archive"),
        ("cv.txt", b"\x00\x01\x02binary", 415, "binary"),
        ("cv.pdf", b"", 400, "empty"),
        ("cv.txt", b"   \n  ", 400, "empty"),
        ("cv.docx", b"PK\x03\x04" + b"broken zip", 415, "damaged ZIP"),
    ],
    ids=["png-named-pdf", "zip-named-pdf", "binary-txt", "empty", "blank", "corrupt-docx"],
)
def test_bad_files_get_their_status_and_message_and_leave_nothing(api, private_uploads, name, data, status, message):
    response = _upload(api, data, name)
    assert response.status_code == status, response.json()
    body = response.json()
    assert message in body["detail"]
    assert body["errors"]["file"]
    assert not Resume.objects.exists()
    assert stored_files(private_uploads) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R", "damaged"),
        (encrypted_pdf(), "password-protected"),
        (image_only_pdf(), "could not find any text"),
    ],
    ids=["corrupt-pdf", "encrypted-pdf", "image-only-pdf"],
)
def test_a_file_that_cannot_be_read_fails_in_the_worker_with_its_message(api, data, message,
                                                                          django_capture_on_commit_callbacks):
    from apps.resumes import tasks

    with django_capture_on_commit_callbacks(execute=False):
        response = _upload(api, data, "cv.pdf")
    assert response.status_code == 202  # parsing is the documents worker's job, never the web request's
    tasks.resume_process_task.apply(args=[response.json()["id"]])  # what the worker runs
    body = api.get(f"{URL}{response.json()['id']}/").json()
    assert body["status"] == "failed" and message in body["error"]


def test_too_large_file_is_413_and_leaves_nothing(api, settings, private_uploads):
    settings.RESUME_MAX_BYTES = 2_000
    response = _upload(api, RESUME + b"x" * 3_000)
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    huge = _upload(api, b"a" * (settings.RESUME_MAX_BYTES + 200 * 1024))  # refused before it is parsed
    assert huge.status_code == 413
    assert not Resume.objects.exists() and stored_files(private_uploads) == []


def test_missing_file_is_400(api):
    response = api.post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"]


def test_anonymous_upload_is_401(anon_api):
    assert _upload(anon_api, RESUME).status_code == 401


def test_the_same_file_twice_returns_the_existing_resume(api, other_api, private_uploads):
    first = _upload(api, RESUME, "a.txt").json()
    again = _upload(api, RESUME, "renamed.txt")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["duplicate"] is True
    assert "already uploaded" in again.json()["detail"]
    assert Resume.objects.count() == 1 and len(stored_files(private_uploads)) == 1
    other = _upload(other_api, RESUME, "a.txt")  # another learner's copy is their own
    assert other.status_code == 202 and other.json()["id"] != first["id"]


def test_docx_and_markdown_are_accepted(api):
    assert _upload(api, docx_bytes(["Experience", "Built RAG"]), "cv.docx").json()["kind"] == "docx"
    assert _upload(api, b"# Jane\n## Skills\nPython", "cv.md").json()["kind"] == "markdown"
    assert _upload(api, text_pdf("Jane\nSkills\nPython"), "whatever.bin").json()["kind"] == "pdf"


@pytest.fixture
def ready_resume(user, process_resume):
    return process_resume(user, "omar_rag.md")


def test_detail_shows_status_and_skills(api, ready_resume):
    body = api.get(f"{URL}{ready_resume.pk}/").json()
    assert body["status"] == "ready" and body["error"] is None and body["step"] == "ready"
    assert {"rag", "vector-databases", "llm-frameworks", "python"} <= set(body["skills"])
    assert body["filename"] == "omar_rag.md"


def test_matches_are_ranked_with_skills_and_gaps(api, ready_resume):
    response = api.get(f"{URL}{ready_resume.pk}/matches/?k=5")
    assert response.status_code == 200
    matches = response.json()
    assert 1 <= len(matches) <= 5
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True) and all(isinstance(s, int) and 0 <= s <= 100 for s in scores)
    first = matches[0]
    assert set(first["role"]) >= {"id", "title", "company"}
    assert isinstance(first["matched_skills"], list) and isinstance(first["missing_skills"], list)
    assert [g["skill"] for g in first["gaps"]] == first["missing_skills"]
    with_topics = [g for m in matches for g in m["gaps"] if g["topics"]]
    assert with_topics and set(with_topics[0]["topics"][0]) == {"id", "title", "track"}


def test_companies_rank_by_best_role(api, ready_resume):
    response = api.get(f"{URL}{ready_resume.pk}/companies/?k=3")
    assert response.status_code == 200
    companies = response.json()
    assert len(companies) <= 3
    assert [c["score"] for c in companies] == sorted((c["score"] for c in companies), reverse=True)


@pytest.mark.parametrize("k", ["0", "51", "ten"])
def test_bad_k_is_400(api, ready_resume, k):
    assert api.get(f"{URL}{ready_resume.pk}/matches/?k={k}").status_code == 400


def test_matches_of_a_resume_still_processing_are_409(api):
    resume_id = _upload(api, RESUME).json()["id"]
    response = api.get(f"{URL}{resume_id}/matches/")
    assert response.status_code == 409
    assert "processed" in response.json()["detail"]


def test_another_learners_resume_and_matches_are_404(other_api, ready_resume, private_uploads):
    for path in ("", "matches/", "companies/"):
        assert other_api.get(f"{URL}{ready_resume.pk}/{path}").status_code == 404
    assert other_api.delete(f"{URL}{ready_resume.pk}/").status_code == 404
    assert Resume.objects.filter(pk=ready_resume.pk).exists() and stored_files(private_uploads)
    assert other_api.get(URL).json()["count"] == 0


def test_delete_removes_the_file_the_text_and_the_vectors(api, ready_resume, private_uploads,
                                                          django_capture_on_commit_callbacks):
    assert ResumeChunk.objects.filter(resume=ready_resume).exists()
    assert ResumeSkill.objects.filter(resume=ready_resume).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"{URL}{ready_resume.pk}/")
    assert response.status_code == 204
    assert not Resume.objects.filter(pk=ready_resume.pk).exists()
    assert not ResumeChunk.objects.filter(resume_id=ready_resume.pk).exists()
    assert not ResumeSkill.objects.filter(resume_id=ready_resume.pk).exists()
    assert stored_files(private_uploads) == []
    assert api.get(f"{URL}{ready_resume.pk}/").status_code == 404


def test_list_is_paginated_and_only_mine(api, other_api):
    _upload(api, RESUME)
    _upload(other_api, RESUME + b"\nother")
    body = api.get(URL).json()
    assert body["count"] == 1 and {"next", "previous", "results"} <= set(body)


def test_a_processed_pdf_fixture_matches(user, process_resume):
    resume = process_resume(user, "ravi_finetune.pdf", fixture_bytes("ravi_finetune.pdf"))
    assert resume.kind == "pdf" and "DeepSpeed" in resume.text
