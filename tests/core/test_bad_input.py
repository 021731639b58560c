"""Text PostgreSQL cannot store (NUL, unpaired surrogates) is a clear 400 everywhere; errors show no traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from apps.core.input_guard import MESSAGE
from apps.portfolio.models import PortfolioProject

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_nul_in_a_query_parameter_is_a_400_with_the_api_error_shape(api):
    response = api.get("/api/v1/roles/", {"q": "ml\x00engineer"})
    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE, "errors": {"q": [MESSAGE]}}


def test_nul_escaped_in_a_json_string_is_a_400_and_nothing_is_saved(api, user):
    response = api.post("/api/v1/portfolio/", {"title": "RAG\u0000bot", "status": "planned"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"title": [MESSAGE]}
    assert not PortfolioProject.objects.filter(user=user).exists()


def test_an_unpaired_surrogate_in_nested_json_is_a_400_naming_the_field(staff_api):
    body = b'{"prompt": "Explain attention", "round": "coding", "difficulty": 1, "skills": [], ' \
           b'"key_points": [{"text": "half an emoji \\ud83d"}]}'
    response = staff_api.post("/api/v1/questions/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["key_points[0].text"]


def test_a_paired_surrogate_escape_is_an_ordinary_emoji_and_accepted(api):
    response = api.post("/api/v1/portfolio/", b'{"title": "Chat bot \\ud83d\\ude00", "status": "planned"}',
                        content_type="application/json")
    assert response.status_code == 201
    assert response.json()["title"] == "Chat bot \U0001f600"


def test_a_nul_in_a_browser_form_gets_the_projects_400_page(client, user):
    client.force_login(user)
    response = client.post("/portfolio/", {"title": "bad\x00title", "status": "planned"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "could not be understood" in page and "NUL characters" in page
    assert "Traceback" not in page


def test_unknown_api_path_is_a_json_404_and_unknown_page_is_our_404_page(client):
    assert client.get("/api/v1/nope/").json() == {"detail": "Not found.", "errors": {}}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and b"Page not found" in page.content


def test_a_server_error_shows_our_page_without_a_traceback():
    from apps.core.views import server_error

    page = server_error(RequestFactory().get("/roadmaps/"))
    assert page.status_code == 500 and b"Something went wrong on our side" in page.content
    api = server_error(RequestFactory().get("/api/v1/roles/"))
    assert api.status_code == 500 and b"Traceback" not in api.content and api["Content-Type"] == "application/json"


@pytest.mark.parametrize(("debug", "expected"), [(None, "False"), ("1", "True")])
def test_make_run_settings_serve_without_debug_unless_debug_1(debug, expected):
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", VAR_DIR=str(ROOT / "var" / "test"))
    if debug:
        env["DEBUG"] = debug
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == expected


def test_a_form_without_its_csrf_token_gets_our_403_page(user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.post("/portfolio/", {"title": "x", "status": "planned"})
    assert page.status_code == 403 and b"Reload the page and try again" in page.content
    assert b"CSRF verification failed" not in page.content


def test_an_uploaded_json_file_with_an_unpaired_surrogate_is_a_400(staff_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = (b'[{"key": "x-1", "prompt": "Explain \\ud800 attention", "round": "coding", "difficulty": 1, '
            b'"skills": [], "key_points": [{"text": "a"}]}]')
    response = staff_api.post("/api/v1/questions/import/", {"file": SimpleUploadedFile("q.json", body)},
                              format="multipart")
    assert response.status_code == 400 and response.json()["detail"] == MESSAGE


def test_a_garbage_content_length_is_not_a_500(api):
    response = api.get("/api/v1/roles/", CONTENT_LENGTH="lots")
    assert response.status_code == 200
