"""A learner downloads all their data (GET /api/v1/me/export/) and deletes the account
(DELETE /api/v1/me/ with the password), after which no table holds their id or email."""

from __future__ import annotations

import io

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache

from apps.dashboard.models import ReadinessSnapshot
from apps.resumes import services as resume_services
from apps.roadmap.models import Topic
from tests.factories import PASSWORD
from tests.privacy.conftest import stored_files, tables_containing, tables_referring_to_user

pytestmark = pytest.mark.django_db

MARKER = "Zanzibarquokka"  # a word only this learner's resume contains
RESUME = f"""Ada Learner
Experience
ML Engineer at {MARKER} Labs (2021 - present): built retrieval-augmented generation with FAISS and PyTorch.
Skills
Python, PyTorch, FAISS
""".encode()


@pytest.fixture
def learner_with_everything(api, user, client, django_capture_on_commit_callbacks):
    """One of each thing a learner owns, made through the API and the services, and a browser session."""
    topic = Topic.objects.order_by("id").first()
    assert api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done", "notes": "read it"}).status_code == 200
    assert api.post("/api/v1/portfolio/", {"title": "RAG over my notes", "status": "planned"},
                    format="json").status_code == 201
    interview = api.post("/api/v1/interviews/", {"round": "ml_fundamentals", "num_questions": 2},
                         format="json").json()
    question = interview["current_question"]["id"]
    assert api.post(f"/api/v1/interviews/{interview['id']}/answers/",
                    {"question": question, "text": "Bias is error from wrong assumptions."},
                    format="json").status_code == 202
    upload = resume_services.resume_upload(user=user, file=io.BytesIO(RESUME), filename="ada.txt", size=len(RESUME))
    resume_services.resume_process(resume_id=upload.resume.pk)
    from apps.careers.models import JobRole

    ReadinessSnapshot.objects.create(user=user, role=JobRole.objects.first(), date="2026-11-01", score=40)
    assert api.patch("/api/v1/me/", {"display_name": "Ada L."}, format="json").status_code == 200
    client.force_login(user)
    return user


def test_export_holds_every_object_of_the_learner(api, learner_with_everything):
    response = api.get("/api/v1/me/export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["profile"]["email"] == learner_with_everything.email and data["profile"]["display_name"] == "Ada L."
    assert data["progress"][0]["status"] == "done" and data["progress"][0]["notes"] == "read it"
    assert [p["title"] for p in data["portfolio"]] == ["RAG over my notes"]
    [interview] = data["interviews"]
    assert interview["answers"][0]["text"] == "Bias is error from wrong assumptions."
    [resume] = data["resumes"]
    assert MARKER in resume["text"] and resume["top_matches"] and resume["skills"]
    assert "embedding" not in resume and "stored_name" not in resume
    assert [s["score"] for s in data["readiness_history"]] == [40]


def test_another_learner_exports_only_their_own_data(other_api, learner_with_everything):
    data = other_api.get("/api/v1/me/export/").json()
    assert data["interviews"] == [] and data["resumes"] == [] and MARKER not in str(data)


def test_a_wrong_password_deletes_nothing(api, learner_with_everything):
    response = api.delete("/api/v1/me/", {"password": "not my password"}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"password": ["Wrong password."]}
    assert api.get("/api/v1/me/").status_code == 200


def test_deleting_the_account_leaves_nothing_of_the_learner(api, client, learner_with_everything, private_uploads,
                                                            django_capture_on_commit_callbacks, staff_user):
    from django.contrib.admin.models import CHANGE, LogEntry

    from apps.resumes.models import Resume

    user = learner_with_everything
    for obj in (user, Resume.objects.get(user=user)):  # an admin once edited the account and the resume
        LogEntry.objects.log_actions(user_id=staff_user.pk, queryset=[obj], action_flag=CHANGE,
                                     change_message="edited", single_object=True)
    assert tables_containing("ada.txt")
    assert tables_referring_to_user(user.pk) and tables_containing(MARKER) and stored_files(private_uploads)
    browser_session = client.session.session_key
    assert client.get("/dashboard/").status_code == 200 and cache.get(SessionStore.cache_key_prefix + browser_session)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204

    assert tables_referring_to_user(user.pk) == {}
    assert tables_containing(user.email) == {}
    assert tables_containing(MARKER) == {} and tables_containing("ada.txt") == {}
    assert stored_files(private_uploads) == []
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    # Sessions are read from the cache first (cached_db): the cached copy went too.
    assert not SessionStore(session_key=browser_session).exists(browser_session)
    assert cache.get(SessionStore.cache_key_prefix + browser_session) is None
    assert api.get("/api/v1/me/").status_code == 401  # the token went with the account


def test_the_profile_page_offers_the_download_and_the_deletion(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    profile = client.get("/accounts/profile/").content.decode()
    assert "/accounts/data/export/" in profile and "/accounts/data/delete/" in profile
    download = client.get("/accounts/data/export/")
    assert download.status_code == 200 and download.json()["profile"]["email"] == user.email
    wrong = client.post("/accounts/data/delete/", {"password": "nope"})
    assert wrong.status_code == 400 and "not your password" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/accounts/data/delete/", {"password": PASSWORD}, follow=True)
    assert "were deleted" in done.content.decode()
    assert tables_referring_to_user(user.pk) == {}
