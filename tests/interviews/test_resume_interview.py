"""'Interview me on this': a mock interview whose questions come from the resume and the role's gaps."""

import io

import pytest

from apps.careers.models import JobRole
from apps.interviews.models import Interview
from apps.resumes.models import Resume
from apps.resumes.services import resume_process, resume_upload

pytestmark = pytest.mark.django_db

RESUME = b"""Jane Doe
Skills
Python, PyTorch, retrieval-augmented generation with FAISS, LoRA fine-tuning
Experience
ML Engineer (2021 - present): built RAG assistants and fine-tuned LLMs with LoRA adapters.
"""


def _resume(user) -> Resume:
    result = resume_upload(user=user, file=io.BytesIO(RESUME), filename="cv.txt", size=len(RESUME))
    return resume_process(resume_id=result.resume.pk) or result.resume


def test_resume_interview_asks_about_resume_and_missing_role_skills(api, user):
    resume = _resume(user)
    role = JobRole.objects.get(slug="llm-engineer")
    response = api.post("/api/v1/interviews/", {"round": "llm_deep_dive", "role": role.id, "resume": resume.id, "num_questions": 3})
    assert response.status_code == 201
    interview = Interview.objects.get(pk=response.json()["id"])
    assert interview.kind == Interview.Kind.RESUME and interview.resume_id == resume.id
    assert {"rag", "peft-lora"} & set(interview.focus_skills)
    asked = set(interview.current_version.question.skills.values_list("slug", flat=True))
    assert asked & set(interview.focus_skills)


def test_another_learners_resume_cannot_drive_an_interview(api, other_user):
    resume = _resume(other_user)
    response = api.post("/api/v1/interviews/", {"round": "llm_deep_dive", "resume": resume.id})
    assert response.status_code == 404


def test_start_page_offers_the_resume_interview(client, user):
    resume = _resume(user)
    client.force_login(user)
    page = client.get(f"/interviews/new/?resume={resume.id}&role={JobRole.objects.first().id}")
    assert page.status_code == 200 and b'data-testid="resume-interview"' in page.content
    assert client.get("/interviews/new/?resume=999999").status_code == 404
