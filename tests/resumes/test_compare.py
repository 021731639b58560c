"""Compare with a posting: the API and pages, privacy, bad postings, the explained score, the
interview aimed at the posting, and the free terms the posting leaves for staff."""

import pytest
from django.urls import reverse

from apps.careers.models import FreeTerm
from apps.interviews.models import Interview
from apps.resumes.models import PostingComparison
from tests.resumes.pdfs import docx_bytes, text_pdf

LLM_POSTING = """Senior LLM Engineer
We build document assistants. You will design retrieval-augmented generation (RAG) pipelines with LangChain
and vector databases, write prompts, fine-tune models with LoRA and serve them with vLLM on Kubernetes.
Requirements: 5+ years of experience, Python, prompt engineering, evaluating LLM answers, Terraform.
Nice to have: VectorForge and GraphQL."""
FRONTEND_POSTING = """Frontend Engineer
Build our React and TypeScript web app: CSS, responsive design, web accessibility (WCAG), Jest unit tests,
Next.js, design systems with Figma. 3+ years of professional frontend experience."""


def _compare(api, resume_id, posting, **extra):
    return api.post(f"/api/v1/resumes/{resume_id}/compare/", {"posting": posting, **extra}, format="json")


@pytest.fixture
def omar(user, process_resume):
    return process_resume(user, "omar_rag.md")


def test_compare_returns_the_score_with_its_parts_skills_terms_and_gaps(api, omar):
    response = _compare(api, omar.pk, LLM_POSTING)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["parts"]) >= {"semantic", "skills", "seniority"}
    assert 0 <= body["score"] <= 100
    assert {"rag", "llm-frameworks"} <= set(body["matched_skills"])
    assert "peft-lora" in body["missing_skills"] and "llm-serving" in body["missing_skills"]
    terms = {t["term"].lower(): t for t in body["terms"]}
    assert terms["langchain"]["in_resume"] is True and terms["lora"]["in_resume"] is False
    assert all(set(t) >= {"term", "in_resume", "weight"} for t in body["terms"])
    gaps = {g["skill"]: g for g in body["gaps"]}
    assert set(gaps) == set(body["missing_skills"])
    assert any(g["topics"] for g in gaps.values()) and any(g["projects"] for g in gaps.values())
    assert body["seniority"] == "senior" and body["title"] == "Senior LLM Engineer"
    # The score is its parts put together.
    parts = body["parts"]
    expected = (0.45 * parts["semantic"] + 0.55 * parts["skills"]) * parts["seniority"] / 100 * parts["discipline"] / 100
    assert abs(body["score"] - expected) <= 2


def test_a_posting_in_another_field_scores_low_and_says_why(api, omar):
    llm = _compare(api, omar.pk, LLM_POSTING).json()
    frontend = _compare(api, omar.pk, FRONTEND_POSTING).json()
    assert frontend["discipline"] == "frontend"
    assert frontend["score"] < 30 < llm["score"]
    assert frontend["parts"]["discipline"] < 50
    assert any("Frontend" in reason for reason in frontend["reasons"])


@pytest.mark.parametrize(
    ("posting", "message"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("x" * 50_001, "50,000"),
        ("PDF-1.7 \x00\x01\x02 stream binary \x00 data here and more words", "NUL"),  # refused by the input guard
        ("".join(chr(c) for c in range(1, 31)) * 40 + " some words to read here now", "binary"),
        (None, "text"),
        (12345, "text"),
    ],
    ids=["empty", "blank", "too-long", "nul-bytes", "control-characters", "missing", "not-text"],
)
def test_bad_postings_get_a_clear_400(api, omar, posting, message):
    response = _compare(api, omar.pk, posting)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert response.json()["errors"]
    assert not PostingComparison.objects.exists()


def test_another_learners_resume_and_comparison_are_404(api, other_api, omar, client, other_user):
    assert _compare(other_api, omar.pk, LLM_POSTING).status_code == 404
    comparison_id = _compare(api, omar.pk, LLM_POSTING).json()["id"]
    client.force_login(other_user)
    assert client.get(reverse("resumes:comparison", args=[comparison_id])).status_code == 404
    assert client.post(reverse("interviews:from_posting", args=[comparison_id])).status_code == 404


@pytest.mark.parametrize("kind", ["pdf", "docx", "txt"])
def test_compare_works_for_pdf_docx_and_text_resumes(api, user, process_resume, kind):
    lines = (FIXTURE := (__import__("pathlib").Path(__file__).parent / "fixtures" / "omar_rag.md")).read_text().splitlines()
    data = {"pdf": lambda: text_pdf("\n".join(lines)), "docx": lambda: docx_bytes(lines),
            "txt": lambda: FIXTURE.read_bytes()}[kind]()
    resume = process_resume(user, f"omar.{kind}", data)
    body = _compare(api, resume.pk, LLM_POSTING).json()
    assert "rag" in body["matched_skills"] and "peft-lora" in body["missing_skills"]


def test_the_page_marks_found_and_missing_terms_and_starts_an_interview_on_the_posting(client, user, omar):
    client.force_login(user)
    form = client.get(reverse("resumes:compare") + f"?resume={omar.pk}")
    assert form.status_code == 200 and "The job posting" in form.content.decode()
    response = client.post(reverse("resumes:compare"), {"resume": omar.pk, "posting": LLM_POSTING, "title": ""})
    comparison = PostingComparison.objects.get(user=user)
    assert response.status_code == 302 and response.url == reverse("resumes:comparison", args=[comparison.pk])
    html = client.get(response.url).content.decode()
    assert '<mark class="term-found">LangChain' in html and '<mark class="term-missing">LoRA' in html
    assert "Text similarity" in html and "Seniority" in html and "Discipline" in html
    started = client.post(reverse("interviews:from_posting", args=[comparison.pk]))
    interview = Interview.objects.get(user=user)
    assert started.status_code == 302 and started.url == reverse("interviews:detail", args=[interview.pk])
    assert interview.resume_id == omar.pk
    assert interview.focus_skills[: len(comparison.result["matched_skills"])] == comparison.result["matched_skills"]
    assert set(interview.focus_skills) == set(comparison.result["matched_skills"] + comparison.result["missing_skills"])


def test_the_page_shows_a_clear_message_for_a_bad_posting(client, user, omar):
    client.force_login(user)
    response = client.post(reverse("resumes:compare"), {"resume": omar.pk, "posting": "x" * 50_001})
    assert response.status_code == 400 and "50,000" in response.content.decode()


def test_posting_text_is_escaped_on_the_page(api, client, user, omar):
    body = _compare(api, omar.pk, LLM_POSTING + "\n<script>alert('x')</script>").json()
    client.force_login(user)
    html = client.get(reverse("resumes:comparison", args=[body["id"]])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_unknown_tech_terms_become_free_terms_for_staff(api, omar, staff_api, client, user, staff_user):
    _compare(api, omar.pk, LLM_POSTING)
    term = FreeTerm.objects.get(key="vectorforge")
    assert term.posting_count == 1 and term.term == "VectorForge"
    listed = staff_api.get("/api/v1/free-terms/").json()
    assert "VectorForge" in [t["term"] for t in listed["results"]]
    assert api.get("/api/v1/free-terms/").status_code == 403
    client.force_login(user)
    assert client.get(reverse("careers:free_terms")).status_code == 403
    client.force_login(staff_user)
    assert "VectorForge" in client.get(reverse("careers:free_terms")).content.decode()
    promoted = staff_api.post(f"/api/v1/free-terms/{term.pk}/", {"action": "promote", "skill": "mlops"}, format="json")
    assert promoted.status_code == 200 and promoted.json()["status"] == "promoted"
    from apps.resumes.selectors import skill_matcher

    assert "mlops" in skill_matcher().find("Pipelines orchestrated with VectorForge")
    assert staff_api.post(f"/api/v1/free-terms/{term.pk}/", {"action": "dismiss"}, format="json").status_code == 400
