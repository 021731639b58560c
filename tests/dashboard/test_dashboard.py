import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.careers.models import JobRole
from apps.dashboard import services
from apps.dashboard.models import LearnerState, ReadinessSnapshot
from apps.interviews.models import Answer
from apps.portfolio.services import project_create
from apps.roadmap.models import Topic
from apps.roadmap.services import topic_progress_set
from tests.dashboard.helpers import give_answers, give_history, grow_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def role():
    return JobRole.objects.get(slug="llm-engineer")


def test_readiness_api_for_a_learner_with_nothing_done(api, user, role):
    response = api.get(f"/api/v1/readiness/?role={role.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["score"] == 0
    assert body["components"] == {"roadmap": 0, "projects": 0, "interviews": 0, "resume": 0}
    kinds = [s["kind"] for s in body["next_steps"]]
    assert 3 <= len(kinds) <= 5 and {"study", "practise"} <= set(kinds)
    assert all(s["url"].startswith("/") for s in body["next_steps"])


def test_readiness_rises_with_progress_projects_and_interviews(api, user, role, django_capture_on_commit_callbacks):
    before = api.get(f"/api/v1/readiness/?role={role.id}").json()["score"]
    with django_capture_on_commit_callbacks(execute=True):  # what the commits would run
        for topic in Topic.objects.filter(skills__slug__in=["rag", "transformer-architecture"])[:12]:
            topic_progress_set(user=user, topic=topic, status="done")
        project_create(user=user, title="RAG bot", status="done", skills=list(role.skills.all()[:3]))
    give_answers(user, 10, rounds=tuple(role.interview_rounds))
    after = api.get(f"/api/v1/readiness/?role={role.id}").json()
    assert after["score"] > before
    assert after["components"]["roadmap"] > 0 and after["components"]["projects"] > 0 and after["components"]["interviews"] > 0


def test_readiness_needs_a_role_and_a_real_one(api, user, role):
    assert api.get("/api/v1/readiness/").status_code == 400
    assert api.get("/api/v1/readiness/?role=abc").status_code == 400
    assert api.get("/api/v1/readiness/?role=999999").status_code == 404
    user.target_role = role
    user.save()
    assert api.get("/api/v1/readiness/").json()["role"]["id"] == role.id


def test_a_learner_cannot_read_another_learners_readiness(api, other_api, user, other_user, role):
    give_answers(other_user, 20, rounds=tuple(role.interview_rounds))
    mine = api.get(f"/api/v1/readiness/?role={role.id}&user={other_user.id}").json()
    theirs = other_api.get(f"/api/v1/readiness/?role={role.id}").json()
    assert mine["components"]["interviews"] == 0 and theirs["components"]["interviews"] > 0


# Two learner sizes (answers, topics, projects) × two catalog sizes (topics, roles, templates).
SIZES = [(10, 0), (1000, 0), (10, 300), (1000, 300)]


@pytest.mark.parametrize(("history", "catalog_extra"), SIZES)
def test_dashboard_query_count_grows_with_neither_history_nor_catalog(
    history, catalog_extra, client, user, role, django_assert_num_queries, django_capture_on_commit_callbacks
):
    user.target_role = role
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        grow_catalog(catalog_extra)
        give_history(user, history)
    client.force_login(user)
    client.get("/dashboard/")  # warm: the session, this process's catalog maps, the cached history parts
    with django_assert_num_queries(EXPECTED_DASHBOARD_QUERIES):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    # Something happened since (the state moved): the history parts are built again, still in a fixed count.
    LearnerState.objects.filter(user=user).update(updated_at=timezone.now())
    with django_assert_num_queries(EXPECTED_DASHBOARD_QUERIES_REBUILT):
        rebuilt = client.get("/dashboard/")
    assert rebuilt.status_code == 200
    assert _main(rebuilt) == _main(response)


@pytest.mark.parametrize(("history", "catalog_extra"), SIZES)
def test_readiness_api_query_count_grows_with_neither_history_nor_catalog(
    history, catalog_extra, api, user, role, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grow_catalog(catalog_extra)
        give_history(user, history)
    api.get(f"/api/v1/readiness/?role={role.id}")  # warm this process's catalog maps
    with django_assert_num_queries(EXPECTED_API_QUERIES):
        response = api.get(f"/api/v1/readiness/?role={role.id}")
    assert response.status_code == 200 and response.json()["components"]["interviews"] > 0


# The user (the session is read from the cache), the learner's state with the catalog version, the
# resume fit (one statement); the rest comes from the cached history parts. Was 26 when readiness was
# recomputed per request, 15 before the parts were cached.
EXPECTED_DASHBOARD_QUERIES = 3
# ... and when the parts are rebuilt: the week plan (3: enrollments, topics, progress), hours studied (1),
# the review prompts due (1), the activity heatmap (one UNION ALL), the history chart (one UNION ALL).
EXPECTED_DASHBOARD_QUERIES_REBUILT = 10
# The token with its user, the learner's state with the catalog version, the resume fit.
EXPECTED_API_QUERIES = 3


def _main(response) -> str:
    """The page's main content, without the per-response CSRF tokens."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html[html.index("<main"):html.index("</main>")])


def test_dashboard_charts_show_the_learners_activity_hours_and_history(
    client, user, role, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    user.target_role = role
    user.save()
    topic = Topic.objects.filter(estimated_hours__isnull=False).first()
    with django_capture_on_commit_callbacks(execute=True):
        topic_progress_set(user=user, topic=topic, status="done")
        project_create(user=user, title="RAG bot", status="done", skills=list(role.skills.all()[:1]))
    give_answers(user, 2, rounds=tuple(role.interview_rounds))
    Answer.objects.filter(interview__user=user).update(created_at=timezone.now())
    services.readiness_snapshot_take(user=user, role=role)
    client.force_login(user)
    page = client.get("/dashboard/").content.decode()
    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    mean = round(sum(Answer.objects.filter(interview__user=user).values_list("score", flat=True)) / 2)
    snapshot = ReadinessSnapshot.objects.get(user=user, role=role)
    day = f"{today:%a} {today.day} {today:%b} {today.year}"
    # topic + 2 answers + project, one column each
    assert f'<th scope="row">{day}</th><td>1</td><td>2</td><td>1</td>' in page
    assert "4 activities on 1 day in the last 26 weeks" in page
    assert f'<th scope="row">{week.isoformat()}</th><td>{float(topic.estimated_hours)}</td>' in page
    assert f'<th scope="row">{today.isoformat()}</th><td>{snapshot.score}</td><td>{mean}</td>' in page
    assert page.count('<span data-level="') == 182 and f'title="{day}: 1 topic finished, 2 interview answers, 1 project updated"' in page


def test_daily_snapshot_is_taken_once_per_day(user, role):
    user.target_role = role
    user.save()
    assert services.readiness_snapshots_take_all() >= 1
    services.readiness_snapshots_take_all()
    assert ReadinessSnapshot.objects.filter(user=user, role=role).count() == 1


def test_dashboard_without_a_target_role_asks_for_one(client, user):
    client.force_login(user)
    page = client.get("/dashboard/")
    assert b"Pick the role you are preparing for" in page.content


def test_setting_the_target_role_from_the_dashboard(client, user, role):
    client.force_login(user)
    page = client.get(f"/dashboard/?role={role.id}").content.decode()
    assert f'action="/accounts/target-role/{role.id}/"' in page  # the one "set as target role" view
    response = client.post(f"/accounts/target-role/{role.id}/", {"next": "https://evil.example.com/"})
    assert response.status_code == 302 and "evil.example.com" not in response["Location"]
    user.refresh_from_db()
    assert user.target_role == role
    assert client.post("/accounts/target-role/999999/").status_code == 404


def test_admin_dashboard_is_staff_only(client, user, staff_user):
    assert "/accounts/login/" in client.get("/dashboard/cohort/")["Location"]
    client.force_login(user)
    assert client.get("/dashboard/cohort/").status_code == 403  # the site's 403 page, not the admin login
    give_answers(user, 30)
    client.force_login(staff_user)
    page = client.get("/dashboard/cohort/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hardest questions" in text and "Grading backlog" in text and "LLM judge" in text
    assert 'data-testid="learners"' in text
