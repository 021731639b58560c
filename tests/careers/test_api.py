"""/api/v1/companies/ and /api/v1/roles/: signed-in learners read, staff write; roles are re-embedded."""

import pytest

from apps.careers.models import Company, JobRole
from config.celery import app as celery_app


@pytest.fixture
def run_tasks_inline(django_capture_on_commit_callbacks):
    """Run the tasks queued on commit right here (the real task code, without a broker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    yield capture
    celery_app.conf.task_always_eager = previous


def _role_body(**overrides):
    body = {"title": "Retrieval Engineer", "description": "Builds RAG over documents with pgvector and rerankers.",
            "seniority": "mid", "skills": ["rag", "vector-databases", "python"]}
    return {**body, **overrides}


def test_signed_in_learners_read_companies_and_roles(api, anon_api):
    companies = api.get("/api/v1/companies/").json()
    roles = api.get("/api/v1/roles/").json()
    assert companies["count"] == Company.objects.count() > 0
    assert roles["count"] == JobRole.objects.count() > 0
    role = roles["results"][0]
    assert {"id", "title", "company", "description", "seniority", "skills", "salary_min", "salary_max"} <= set(role)
    assert all(isinstance(s, str) for s in role["skills"])
    assert anon_api.get("/api/v1/roles/").status_code == 401
    assert api.get(f"/api/v1/roles/{JobRole.objects.first().pk}/").status_code == 200


def test_learners_cannot_write(api):
    assert api.post("/api/v1/companies/", {"name": "X", "category": "startup"}).status_code == 403
    assert api.post("/api/v1/roles/", _role_body()).status_code == 403
    role = JobRole.objects.first()
    assert api.patch(f"/api/v1/roles/{role.pk}/", {"title": "Hacked"}).status_code == 403
    assert api.delete(f"/api/v1/roles/{role.pk}/").status_code == 403


def test_staff_create_a_company(staff_api):
    response = staff_api.post("/api/v1/companies/", {"name": "Tiny Labs", "category": "startup", "region": "India"})
    assert response.status_code == 201
    assert response.json()["slug"] == "tiny-labs"
    duplicate = staff_api.post("/api/v1/companies/", {"name": "tiny labs", "category": "startup"})
    assert duplicate.status_code == 400


def test_staff_create_a_role_and_it_is_embedded(staff_api, run_tasks_inline):
    with run_tasks_inline():
        response = staff_api.post("/api/v1/roles/", _role_body(skill_weights={"rag": 3}))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["skills"][0] == "rag" and set(body["skills"]) == {"rag", "vector-databases", "python"}
    role = JobRole.objects.get(pk=body["id"])
    assert role.embedding is not None and role.embedded_text_hash


def test_staff_add_a_real_posting(staff_api, run_tasks_inline):
    company = Company.objects.first()
    with run_tasks_inline():
        response = staff_api.post("/api/v1/roles/", _role_body(
            company=company.pk, is_posting=True, source_url="https://jobs.example.com/123", salary_min=100, salary_max=200))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_posting"] and body["company"] == {"id": company.pk, "name": company.name}
    assert body["source_url"] == "https://jobs.example.com/123"
    assert company.slug in JobRole.objects.get(pk=body["id"]).slug


def test_editing_a_role_replaces_skills_and_re_embeds_it(staff_api, run_tasks_inline):
    with run_tasks_inline():
        role_id = staff_api.post("/api/v1/roles/", _role_body()).json()["id"]
    before = JobRole.objects.get(pk=role_id).embedded_text_hash
    with run_tasks_inline():
        response = staff_api.patch(f"/api/v1/roles/{role_id}/", {"skills": ["llm-serving", "quantization"],
                                                                  "seniority": "senior"})
    assert response.status_code == 200
    assert set(response.json()["skills"]) == {"llm-serving", "quantization"}
    assert JobRole.objects.get(pk=role_id).embedded_text_hash != before


def test_a_skill_edit_reaches_matching_at_once(staff_api, run_tasks_inline):
    """The match vector (what resume matching probes) follows the skills and seniority in the same
    request, before the re-embedding task runs."""
    from apps.roadmap.models import Skill
    from ml import matching

    with run_tasks_inline():
        role_id = staff_api.post("/api/v1/roles/", _role_body()).json()["id"]
    response = staff_api.patch(f"/api/v1/roles/{role_id}/", {"skills": ["llm-serving", "quantization"],
                                                              "skill_weights": {"llm-serving": 3, "quantization": 1},
                                                              "seniority": "senior"}, format="json")
    assert response.status_code == 200
    role = JobRole.objects.get(pk=role_id)
    slots = dict(Skill.objects.filter(slug__in=["llm-serving", "quantization"]).values_list("slug", "vector_slot"))
    assert role.family  # a posting without a discipline gets the one its text and skills are closest to
    expected = matching.role_match_vector(role.embedding, {slots["llm-serving"]: 3, slots["quantization"]: 1}, "senior",
                                          role.family)
    assert list(role.match_vector) == pytest.approx(expected, abs=2e-3)  # halfvec precision
    assert len(set(Skill.objects.values_list("vector_slot", flat=True))) == Skill.objects.count()  # one slot each


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_role_body(skills=["not-a-skill"]), "skills"),
        (_role_body(salary_min=300, salary_max=100), "__all__"),
        (_role_body(seniority="wizard"), "seniority"),
        ({"title": "No description"}, "description"),
    ],
)
def test_bad_role_input_is_400_with_field_errors(staff_api, body, field):
    response = staff_api.post("/api/v1/roles/", body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert field in response.json()["errors"] or field == "__all__"


def test_staff_delete_a_role(staff_api):
    role = JobRole.objects.first()
    assert staff_api.delete(f"/api/v1/roles/{role.pk}/").status_code == 204
    assert staff_api.get(f"/api/v1/roles/{role.pk}/").status_code == 404


def test_roles_filter_by_seniority_skill_and_text(api):
    senior = api.get("/api/v1/roles/?seniority=senior").json()["results"]
    assert senior and all(r["seniority"] == "senior" for r in senior)
    rag = api.get("/api/v1/roles/?skill=rag").json()["results"]
    assert rag and all("rag" in r["skills"] for r in rag)


def test_role_list_queries_do_not_grow_with_roles(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        api.get("/api/v1/roles/?page_size=10")
    template = JobRole.objects.first()
    for i in range(30):
        role = JobRole.objects.create(slug=f"bulk-{i}", title=f"Bulk {i}", description="d")
        role.hiring_companies.set(Company.objects.all()[:3])
        role.skills.set(template.skills.all())
    with django_assert_max_num_queries(6):
        api.get("/api/v1/roles/?page_size=50")


def test_the_catalog_refresh_rebuilds_a_catalog_roles_vector_after_a_weight_change(db):
    """The loader can change a weight without changing the role's text: roles_embed_missing (what
    load_catalog runs) still rebuilds the catalog roles' match vectors."""
    from apps.careers.models import RoleSkill
    from apps.careers.services import roles_embed_missing

    role = JobRole.objects.filter(is_posting=False).exclude(embedding=None).first()
    roles_embed_missing()
    before = list(JobRole.objects.get(pk=role.pk).match_vector)
    ordered = list(RoleSkill.objects.filter(role=role).order_by("-weight", "skill__name"))  # the text's order
    first, last = ordered[0], ordered[-1]
    # A change that keeps every skill in its place in the text: the first one heavier, or the last lighter.
    if first.weight < 3:
        RoleSkill.objects.filter(pk=first.pk).update(weight=3)
    else:
        assert last.weight > 1
        RoleSkill.objects.filter(pk=last.pk).update(weight=1)
    assert roles_embed_missing() == 0  # nothing to re-embed
    assert list(JobRole.objects.get(pk=role.pk).match_vector) != before
