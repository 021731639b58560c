"""Readiness is stored, not recomputed per request: every input change shows at once on the page and the API.

Each test changes one input the way the product does (the progress API, the grader, the portfolio
services, resume processing, a catalog load, a staff edit of a role) and reads `/dashboard/` and
`/api/v1/readiness/` right after. In these tests the test's transaction never commits, so
`django_capture_on_commit_callbacks(execute=True)` runs what the commit would run; the last test
does the same with real commits.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.careers.models import JobRole
from apps.dashboard import learner_state
from apps.roadmap.models import Topic
from apps.roadmap.selectors import skill_coverage_for

RESUME = Path(settings.BASE_DIR) / "tests" / "resumes" / "fixtures" / "omar_rag.md"


@pytest.fixture
def role(db):
    return JobRole.objects.get(slug="llm-engineer")


@pytest.fixture
def learner(user, role, client):
    user.target_role = role
    user.save()
    client.force_login(user)
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block, then what its commit would run (the receivers' on_commit refreshes)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def readiness(api, client, role) -> dict:
    """The API's readiness, after checking the dashboard page shows the same numbers."""
    body = api.get(f"/api/v1/readiness/?role={role.id}").json()
    page = client.get(f"/dashboard/?role={role.id}").content.decode()
    shown = int(re.search(r'data-testid="readiness-score">(\d+)<', page).group(1))
    gauge = page[page.index('data-testid="table-gauge"'):].split("</table>", 1)[0]
    components = dict(re.findall(r'<th scope="row">(\w+)</th><td>(\d+)</td>', gauge))
    assert shown == body["score"]
    assert {name.lower(): int(v) for name, v in components.items()} == body["components"]
    body["page"] = page
    return body


def heaviest_skill_topics(role) -> list[Topic]:
    slug = role.role_skills.order_by("-weight", "id").values_list("skill__slug", flat=True).first()
    return list(Topic.objects.filter(skills__slug=slug).order_by("id"))


def test_marking_progress_shows_at_once(api, client, learner, role, committed):
    before = readiness(api, client, role)
    topics = heaviest_skill_topics(role)
    with committed():
        for topic in topics:
            assert api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done"}, format="json").status_code == 200
    after = readiness(api, client, role)
    assert after["components"]["roadmap"] > before["components"]["roadmap"]
    assert after["score"] > before["score"]
    with committed():
        for topic in topics:
            api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "not_started"}, format="json")
    assert readiness(api, client, role)["components"]["roadmap"] == before["components"]["roadmap"]


def test_grading_an_answer_shows_at_once(api, client, learner, role, committed, monkeypatch):
    from apps.interviews import services as interviews
    from apps.questionbank.models import Question

    monkeypatch.setenv("LLM_BACKEND", "none")  # the instant rubric grade
    before = readiness(api, client, role)
    assert before["components"]["interviews"] == 0
    with committed():
        interview = interviews.interview_start(user=learner, round=role.interview_rounds[0], num_questions=2)
    interview.refresh_from_db()
    version = interview.current_version
    question = Question.objects.get(pk=version.question_id)
    with committed():
        answer = interviews.answer_submit(interview=interview, question=question, text=version.reference_answer)
    assert readiness(api, client, role)["components"]["interviews"] == 0  # submitted, not graded yet
    with committed():
        graded = interviews.answer_grade(answer_id=answer.pk)
    assert graded.score > 0
    after = readiness(api, client, role)
    assert after["components"]["interviews"] > 0 and after["score"] > before["score"]
    assert f"practised 1 of {len(role.interview_rounds)} rounds" in after["explanations"]["interviews"]
    assert "practised 1 of" in after["page"]


def test_updating_a_project_shows_at_once(api, client, learner, role, committed):
    from apps.portfolio.services import project_create, project_delete, project_update

    skills = list(role.skills.all())
    with committed():
        project = project_create(user=learner, title="RAG assistant", status="in_progress", skills=skills)
    unfinished = readiness(api, client, role)["components"]["projects"]
    assert unfinished == 30  # an unfinished project counts 0.3 of each skill it shows
    with committed():
        project_update(project=project, status="done")
    assert readiness(api, client, role)["components"]["projects"] == 100
    with committed():
        project_update(project=project, skills=skills[:1])
    assert 0 < readiness(api, client, role)["components"]["projects"] < 100
    with committed():
        project_delete(project=project)
    assert readiness(api, client, role)["components"]["projects"] == 0


def test_processing_a_resume_shows_at_once(api, client, learner, role, committed, settings, tmp_path):
    from apps.dashboard.selectors import resume_fit_for
    from apps.resumes import services as resumes

    settings.PRIVATE_UPLOAD_DIR = tmp_path / "private"
    before = readiness(api, client, role)
    assert before["components"]["resume"] == 0 and "no processed resume yet" in before["page"]
    data = RESUME.read_bytes()
    with committed():
        upload = resumes.resume_upload(user=learner, file=SimpleUploadedFile(RESUME.name, data), filename=RESUME.name,
                                       size=len(data))
        resume = resumes.resume_process(resume_id=upload.resume.pk)
    assert resume.status == "ready"
    fit = resume_fit_for(user=learner, role=role)
    after = readiness(api, client, role)
    assert fit and after["components"]["resume"] == fit
    assert f"your latest resume fits this role at {fit}%" in after["page"]


def test_reloading_the_catalog_shows_at_once(api, client, learner, role, committed, tmp_path):
    from apps.catalog.loader import DATA_DIR, load_catalog

    topics = heaviest_skill_topics(role)
    studied = topics[0].skills.values_list("slug", flat=True).first()
    with committed():
        for topic in topics:
            api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done"}, format="json")
    before = readiness(api, client, role)
    assert 0 < before["components"]["roadmap"] < 100

    # The catalog now says the role needs only the skill this learner studied.
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "catalog", data / "catalog")
    roles_file = data / "catalog" / "roles.yaml"
    spec = yaml.safe_load(roles_file.read_text())
    for item in spec["roles"]:
        if item["slug"] == role.slug:
            item["skills"] = [{"slug": studied, "weight": 3}]
    roles_file.write_text(yaml.safe_dump(spec, allow_unicode=True))
    with committed():
        load_catalog(data_dir=data)
    after = readiness(api, client, role)
    coverage = skill_coverage_for(user=learner)[studied]
    assert after["components"]["roadmap"] == round(100 * coverage) > before["components"]["roadmap"]
    assert after["explanations"]["roadmap"].startswith("1 of 1 required skills studied")

    # A staff edit of the role (careers services) too.
    from apps.careers.services import role_update

    other = role.role_skills.model.objects.exclude(skill__slug=studied).values_list("skill__slug", flat=True).first()
    with committed():
        role_update(role=JobRole.objects.get(pk=role.pk), skills={studied: 1, other: 3})
    edited = readiness(api, client, role)
    assert edited["explanations"]["roadmap"].startswith("1 of 2 required skills studied")
    assert edited["components"]["roadmap"] < after["components"]["roadmap"]


def test_a_topic_moved_in_the_catalog_changes_coverage_at_once(api, client, learner, role, committed):
    """A catalog edit that changes no learner row still changes what their progress is worth."""
    topics = heaviest_skill_topics(role)
    with committed():
        api.put(f"/api/v1/progress/topics/{topics[0].id}/", {"status": "done"}, format="json")
    before = readiness(api, client, role)["components"]["roadmap"]
    slug = topics[0].skills.values_list("slug", flat=True).first()
    with committed():
        for topic in topics[1:]:  # the topics the learner has not done no longer teach the skill
            topic.skills.remove(*topic.skills.filter(slug=slug))
    assert readiness(api, client, role)["components"]["roadmap"] > before


def test_stored_coverage_is_the_roadmaps_own(learner, committed):
    from apps.roadmap.services import topic_progress_set

    with committed():
        for i, topic in enumerate(Topic.objects.order_by("id")[:60]):
            topic_progress_set(user=learner, topic=topic, status=["done", "in_progress", "not_started"][i % 3])
    state, _ = learner_state.state_for(user=learner)
    expected = {slug: share for slug, share in skill_coverage_for(user=learner).items() if share > 0}
    assert state.coverage == pytest.approx(expected)


@pytest.mark.django_db(transaction=True)
def test_real_commits_keep_readiness_current(catalog_committed, client):
    """No captured callbacks: the progress API's own commit refreshes the state before its response."""
    from apps.accounts.models import User

    role = JobRole.objects.get(slug="llm-engineer")
    learner = User.objects.create_user(email="committed@example.com", password="a-long-password-1", target_role=role)
    client.force_login(learner)
    before = client.get("/api/v1/readiness/").json()
    for topic in heaviest_skill_topics(role):
        response = client.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done"}, content_type="application/json")
        assert response.status_code == 200
    after = client.get("/api/v1/readiness/").json()
    assert after["components"]["roadmap"] > before["components"]["roadmap"]
    page = client.get("/dashboard/").content.decode()
    assert f'data-testid="readiness-score">{after["score"]}<' in page
