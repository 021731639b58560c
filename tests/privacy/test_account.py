"""A learner downloads all their data (GET /api/v1/me/export/) and deletes the account
(DELETE /api/v1/me/ with the password), after which no table holds their id or email."""

from __future__ import annotations

import io

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache

from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Dispute, ReviewItem
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
    track = topic.stage.track
    assert api.put(f"/api/v1/tracks/{track.slug}/enrollment/", {"hours_per_week": 6}, format="json").status_code in (200, 201)
    posting = "Machine learning engineer: Python, PyTorch and retrieval-augmented generation with FAISS. " * 3
    assert api.post(f"/api/v1/resumes/{upload.resume.pk}/compare/", {"posting": posting, "title": "Quokka AI"},
                    format="json").status_code == 200
    answer = Answer.objects.get(interview_id=interview["id"])
    version = answer.question_version
    key_point = version.key_points[0]
    Dispute.objects.create(answer=answer, user=user, key_point_id=key_point["id"], key_point_text=key_point["text"],
                           graded_covered=False, reason="I said it in other words.", original_score=10)
    ReviewItem.objects.create(user=user, question=version.question, question_version=version,
                              key_point_id=key_point["id"], source_answer=answer, due_on="2026-12-08",
                              missed_on="2026-12-07")
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


# Which part of the export holds the rows of each table that points at the learner. A new table that
# refers to users fails the test below until its rows are exported (or the table is listed as derived).
EXPORTED_TABLES = {
    "accounts_user.id": "profile", "account_emailaddress.user_id": "email_addresses",
    "roadmap_enrollment.user_id": "enrollments", "roadmap_topicprogress.user_id": "progress",
    "portfolio_portfolioproject.user_id": "portfolio", "interviews_interview.user_id": "interviews",
    "interviews_dispute.user_id": "grade_disputes", "interviews_reviewitem.user_id": "review_items",
    "resumes_resume.user_id": "resumes", "resumes_postingcomparison.user_id": "posting_comparisons",
    "dashboard_readinesssnapshot.user_id": "readiness_history",
}
# Rows the service derives from the ones above (recomputed from them), or credentials: not learner content.
DERIVED_TABLES = {"dashboard_learnerstate.user_id", "knox_authtoken.user_id", "django_admin_log.user_id"}


def test_every_table_that_refers_to_the_learner_is_in_the_export(api, learner_with_everything):
    data = api.get("/api/v1/me/export/").json()
    tables = set(tables_referring_to_user(learner_with_everything.pk))
    assert tables - DERIVED_TABLES - set(EXPORTED_TABLES) == set(), "a table of the learner's rows is not exported"
    for table in tables & set(EXPORTED_TABLES):
        assert data[EXPORTED_TABLES[table]], f"{table} has rows of the learner but the export's part is empty"
    [enrollment] = data["enrollments"]
    assert enrollment["hours_per_week"] == 6 and enrollment["track__title"]
    [dispute] = data["grade_disputes"]
    assert dispute["reason"] == "I said it in other words." and "resolved_by_id" not in dispute
    assert data["review_items"][0]["question_version__prompt"]
    [comparison] = data["posting_comparisons"]
    assert comparison["title"] == "Quokka AI" and comparison["result"]["score"] is not None


def test_another_learner_exports_only_their_own_data(other_api, learner_with_everything):
    data = other_api.get("/api/v1/me/export/").json()
    assert data["interviews"] == [] and data["resumes"] == [] and MARKER not in str(data)
    assert data["grade_disputes"] == [] and data["review_items"] == [] and data["posting_comparisons"] == []
    assert data["enrollments"] == []


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
