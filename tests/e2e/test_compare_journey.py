"""A learner with a processed resume pastes a job posting and sees its matched and missing terms,
the score's parts, and the gaps; the journey ends in an interview aimed at the posting."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.resumes.conftest import FIXTURES, TODAY

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

POSTING = """Senior LLM Engineer
We build document assistants. You will design retrieval-augmented generation (RAG) pipelines with LangChain
and vector databases, write prompts, fine-tune models with LoRA and serve them with vLLM on Kubernetes.
Requirements: 5+ years of experience, Python, prompt engineering, Terraform."""


@pytest.fixture
def processed_resume(catalog_committed, user, settings, tmp_path):
    from apps.resumes import services

    settings.PRIVATE_UPLOAD_DIR = tmp_path / "private"
    data = (FIXTURES / "omar_rag.md").read_bytes()
    result = services.resume_upload(user=user, file=SimpleUploadedFile("omar.md", data), filename="omar.md")
    resume = services.resume_process(resume_id=result.resume.pk, today=TODAY)
    assert resume.status == "ready"
    return resume


def test_learner_pastes_a_posting_and_sees_matched_and_missing_terms(processed_resume, signed_in_page):
    page = signed_in_page
    page.goto(f"/resumes/{processed_resume.pk}/")
    page.get_by_test_id("compare-link").click()
    page.get_by_role("heading", name="Compare your resume with a job posting").wait_for()
    page.get_by_label("The job posting").fill(POSTING)
    page.get_by_role("button", name="Compare").click()

    page.wait_for_url("**/resumes/comparisons/*/")
    page.get_by_role("heading", name="Senior LLM Engineer").wait_for()
    found = page.get_by_test_id("found-terms").locator("mark").all_inner_texts()
    missing = page.get_by_test_id("missing-terms").locator("mark").all_inner_texts()
    assert "LangChain" in found and "Python" in found
    assert "LoRA" in missing and "Terraform" in missing
    marked = page.get_by_test_id("posting-marked")
    assert marked.locator("mark.term-found").count() >= 2 and marked.locator("mark.term-missing").count() >= 2
    assert 0 <= int(page.get_by_test_id("compare-score").inner_text()) <= 100
    assert "Seniority" in page.get_by_test_id("score-parts").inner_text()
    assert page.get_by_test_id("missing-skill").count() > 0

    page.get_by_role("button", name="Interview me for this posting").click()
    page.wait_for_url("**/interviews/*/")


def test_an_empty_posting_is_refused_with_a_message(processed_resume, signed_in_page):
    page = signed_in_page
    page.goto(f"/resumes/compare/?resume={processed_resume.pk}")
    page.get_by_role("button", name="Compare").click()
    page.get_by_test_id("compare-error").wait_for()
    assert "empty" in page.get_by_test_id("compare-error").inner_text()
