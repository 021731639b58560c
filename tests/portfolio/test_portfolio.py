import pytest

from apps.roadmap.models import ProjectTemplate

pytestmark = pytest.mark.django_db


def test_add_a_project_from_a_template_then_finish_it(api):
    template = ProjectTemplate.objects.prefetch_related("skills").first()
    created = api.post("/api/v1/portfolio/", {"template": template.id, "status": "in_progress", "repo_url": "https://github.com/me/rag"})
    assert created.status_code == 201
    body = created.json()
    assert body["title"] == template.title
    assert set(body["skills"]) == {s.slug for s in template.skills.all()}
    done = api.patch(f"/api/v1/portfolio/{body['id']}/", {"status": "done", "skills": ["rag"]})
    assert done.status_code == 200 and done.json()["completed_at"] and done.json()["skills"] == ["rag"]
    assert api.get("/api/v1/portfolio/").json()["count"] == 1


def test_bad_project_input_is_a_clear_400(api):
    response = api.post("/api/v1/portfolio/", {"status": "done"})
    assert response.status_code == 400 and "title" in response.json()["errors"]
    assert api.post("/api/v1/portfolio/", {"title": "x", "repo_url": "not a url"}).status_code == 400
    assert api.post("/api/v1/portfolio/", {"title": "x", "skills": ["no-such-skill"]}).status_code == 400


def test_other_learners_projects_are_404(api, other_api):
    project = api.post("/api/v1/portfolio/", {"title": "Mine"}).json()
    for call in (other_api.get, other_api.delete):
        assert call(f"/api/v1/portfolio/{project['id']}/").status_code == 404
    assert other_api.patch(f"/api/v1/portfolio/{project['id']}/", {"title": "stolen"}).status_code == 404
    assert other_api.get("/api/v1/portfolio/").json()["count"] == 0
    assert api.delete(f"/api/v1/portfolio/{project['id']}/").status_code == 204


def test_public_portfolio_page_shows_done_projects_to_owner_and_staff_only(client, api, user, other_user, staff_user):
    api.post("/api/v1/portfolio/", {"title": "Shipped RAG bot", "status": "done", "summary": "<b>bold</b>"})
    api.post("/api/v1/portfolio/", {"title": "Half-built agent", "status": "in_progress"})
    client.force_login(user)
    page = client.get(f"/portfolio/u/{user.pk}/")
    assert b"Shipped RAG bot" in page.content and b"Half-built agent" not in page.content
    assert b"<b>bold</b>" not in page.content
    client.force_login(other_user)
    assert client.get(f"/portfolio/u/{user.pk}/").status_code == 404
    client.force_login(staff_user)
    assert client.get(f"/portfolio/u/{user.pk}/").status_code == 200


def test_portfolio_pages_add_edit_and_delete_with_confirmation(client, user):
    client.force_login(user)
    assert b"No projects yet" in client.get("/portfolio/").content
    response = client.post("/portfolio/", {"title": "Eval harness", "status": "planned"}, follow=True)
    assert b"Added" in response.content
    project = user.projects.get()
    assert client.post(f"/portfolio/{project.id}/edit/", {"title": "Eval harness v2", "status": "done"}).status_code == 302
    confirm = client.get(f"/portfolio/{project.id}/delete/")
    assert b"cannot be undone" in confirm.content
    client.post(f"/portfolio/{project.id}/delete/")
    assert not user.projects.exists()
    assert client.get("/portfolio/catalog/?level=advanced").status_code == 200
