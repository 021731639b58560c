"""A learner drops a PDF resume on the upload page, watches it being processed by the real Celery
worker, and sees roles ranked with the skills each one is missing."""

import pytest

from tests.resumes.conftest import FIXTURES
from tests.resumes.pdfs import text_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DROP_FILE = """async ({ selector, name, bytes }) => {
    const file = new File([new Uint8Array(bytes)], name, { type: "application/pdf" });
    const data = new DataTransfer();
    data.items.add(file);
    const zone = document.querySelector(selector);
    for (const type of ["dragenter", "dragover", "drop"]) {
        zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
}"""


@pytest.fixture
def private_uploads(settings, tmp_path):
    settings.PRIVATE_UPLOAD_DIR = tmp_path / "private"
    return settings.PRIVATE_UPLOAD_DIR


def test_learner_drops_a_pdf_and_sees_ranked_roles_with_missing_skills(
    catalog_committed, celery_worker, private_uploads, signed_in_page
):
    page = signed_in_page
    page.goto("/resumes/")
    page.get_by_role("heading", name="Your resume").wait_for()
    pdf = text_pdf((FIXTURES / "ravi_finetune.txt").read_text())
    page.evaluate(DROP_FILE, {"selector": "#dropzone", "name": "ravi-cv.pdf", "bytes": list(pdf)})

    page.wait_for_url("**/resumes/*/")
    page.get_by_test_id("progress-steps").or_(page.get_by_test_id("matches")).first.wait_for()
    matches = page.get_by_test_id("match")
    matches.first.wait_for(timeout=60_000)  # htmx polls the steps, then reloads into the results
    assert page.get_by_test_id("resume-status").inner_text() == "Ready"
    assert matches.count() >= 3
    scores = [int(s) for s in page.get_by_test_id("score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert page.get_by_test_id("missing-skill").count() > 0
    assert "ravi-cv.pdf" in page.title()
    assert page.locator(".bar > span").count() == matches.count()


def test_learner_picks_an_image_named_pdf_and_is_told_why(catalog_committed, private_uploads, signed_in_page):
    page = signed_in_page
    page.goto("/resumes/")
    page.set_input_files("#resume-file", files=[{"name": "cv.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * 64}])
    page.get_by_role("button", name="Upload and match").click()
    page.get_by_text("looks like a PNG image").wait_for()
    assert not list(private_uploads.rglob("*.*")) and not [p for p in private_uploads.rglob("*") if p.is_file()]
