"""Every role's score stored on the resume (with its parts), read by readiness, refreshed when roles
change; the matches API explains each score."""

from apps.careers.models import JobRole
from apps.dashboard.selectors import resume_fit_for
from apps.resumes import scores, selectors
from apps.resumes.models import ResumeRoleScore


def test_processing_stores_every_catalog_roles_score_with_its_parts(user, process_resume):
    resume = process_resume(user, "omar_rag.md")
    catalog = set(JobRole.objects.filter(is_posting=False).values_list("pk", flat=True))
    stored = {row.role_id: row for row in ResumeRoleScore.objects.filter(resume=resume)}
    assert catalog <= set(stored)
    best = selectors.resume_matches(resume=resume, k=5, explain=False)
    for match in best:
        row = stored[match.role.pk]
        assert row.score == match.score.score
        assert (row.semantic, row.skills, row.seniority, row.discipline) == (
            match.score.semantic, match.score.skill_overlap, match.score.evidence_factor, match.score.discipline_factor)
    assert resume.disciplines and max(resume.disciplines.values()) == 1.0


def test_readiness_reads_the_stored_score_without_matching(user, process_resume, django_assert_max_num_queries):
    resume = process_resume(user, "omar_rag.md")
    role = JobRole.objects.filter(is_posting=False).order_by("pk").first()
    ResumeRoleScore.objects.filter(resume=resume, role=role).update(score=77)
    with django_assert_max_num_queries(2):  # the resume, its stored row
        assert resume_fit_for(user=user, role=role) == 77


def test_a_role_added_since_is_scored_alone_until_the_refresh_and_then_stored(user, process_resume):
    resume = process_resume(user, "omar_rag.md")
    template = JobRole.objects.get(slug="llm-engineer")
    role = JobRole.objects.create(slug="t-rag-lead", title="RAG Lead", seniority="mid", family="llm_engineering",
                                  description=template.description, embedding=template.embedding)
    for rs in template.role_skills.all():
        role.role_skills.create(skill=rs.skill, weight=rs.weight)
    fit = resume_fit_for(user=user, role=role)
    assert fit == scores.resume_role_score(resume=resume, role=role).score > 0
    assert scores.resume_role_scores_refresh() == 1
    resume.refresh_from_db()  # the refresh also re-measured its disciplines against the new catalog
    stored = ResumeRoleScore.objects.get(resume=resume, role=role).score
    assert stored == scores.resume_role_score(resume=resume, role=role).score == resume_fit_for(user=user, role=role)


def test_matches_api_explains_each_score(api, user, process_resume):
    resume = process_resume(user, "omar_rag.md")
    body = api.get(f"/api/v1/resumes/{resume.pk}/matches/?k=5").json()
    for match in body:
        parts = match["parts"]
        assert set(parts) == {"semantic", "skills", "seniority", "discipline"}
        expected = (0.45 * parts["semantic"] + 0.55 * parts["skills"]) * parts["seniority"] / 100 * parts["discipline"] / 100
        assert abs(match["score"] - expected) <= 2
        assert match["discipline"]
    assert body[0]["discipline"] in {"llm_engineering", "applied_ai"}


def test_companies_api_names_the_roles_and_skills_behind_each_fit(api, user, process_resume):
    resume = process_resume(user, "omar_rag.md")
    body = api.get(f"/api/v1/resumes/{resume.pk}/companies/?k=5").json()
    assert body
    for company in body:
        assert company["fit_roles"] and company["fit_roles"][0]["score"] == company["score"]
        assert company["fit_roles"][0]["id"] == company["best_role"]["id"]
    assert any(company["fit_skills"] for company in body)
