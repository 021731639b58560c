"""Resume pages: upload (with progress), results with gaps and actions, privacy, bounded queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from apps.careers.models import JobRole, RoleSkill
from apps.resumes.models import Resume
from apps.roadmap.models import Skill
from tests.resumes.conftest import stored_files

RESUME = b"Summary\nML engineer\nExperience\nBuilt RAG systems with LangChain, 2021 - Present\nSkills\nPython"


def _reverse_or_none(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def browser(client, user):
    client.force_login(user)
    return client


def test_upload_page_has_a_drop_zone_and_a_file_picker(browser):
    html = browser.get(reverse("resumes:list")).content.decode()
    assert 'id="dropzone"' in html and 'type="file" name="file"' in html and 'enctype="multipart/form-data"' in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("resumes:list")).status_code == 302


def test_uploading_from_the_page_opens_the_progress_view(browser):
    response = browser.post(reverse("resumes:list"), {"file": SimpleUploadedFile("cv.txt", RESUME)})
    resume = Resume.objects.get()
    assert response.status_code == 302 and response.url == reverse("resumes:detail", args=[resume.pk])
    html = browser.get(response.url).content.decode()
    assert f'hx-get="{reverse("resumes:status", args=[resume.pk])}"' in html
    assert "Extracting text" in html and "Matching roles" in html


def test_a_bad_file_from_the_page_shows_the_reason_and_stores_nothing(browser, private_uploads):
    response = browser.post(reverse("resumes:list"), {"file": SimpleUploadedFile("cv.pdf", b"\x89PNG\r\n\x1a\n0000")})
    assert response.status_code == 415
    assert "PNG image" in response.content.decode()
    assert not Resume.objects.exists() and stored_files(private_uploads) == []


def test_the_same_file_from_the_page_goes_to_the_existing_resume(browser):
    first = browser.post(reverse("resumes:list"), {"file": SimpleUploadedFile("cv.txt", RESUME)})
    again = browser.post(reverse("resumes:list"), {"file": SimpleUploadedFile("copy.txt", RESUME)}, follow=True)
    assert again.redirect_chain[0][0] == first.url
    assert "already uploaded" in again.content.decode()
    assert Resume.objects.count() == 1


def test_status_fragment_asks_for_a_reload_only_when_processing_ends(browser, user, process_resume, labelled_roles):
    browser.post(reverse("resumes:list"), {"file": SimpleUploadedFile("cv.txt", RESUME)})
    pending = Resume.objects.get()
    response = browser.get(reverse("resumes:status", args=[pending.pk]))
    assert response.status_code == 200 and "HX-Refresh" not in response
    ready = process_resume(user, "omar_rag.md")
    assert browser.get(reverse("resumes:status", args=[ready.pk]))["HX-Refresh"] == "true"


def test_results_page_shows_bars_skills_gaps_and_actions(browser, user, labelled_roles, process_resume):
    resume = process_resume(user, "priya_student.md")
    html = browser.get(reverse("resumes:detail", args=[resume.pk])).content.decode()
    assert html.count('data-testid="match"') == 10
    assert 'class="bar"' in html and 'data-testid="missing-skill"' in html
    assert "Machine Learning Intern" in html
    assert f'action="{reverse("target_role_set", args=[labelled_roles["t-ml-intern"].pk])}"' in html
    topic_url_example = _reverse_or_none("roadmap:topic", 1)
    if topic_url_example:
        assert topic_url_example.rsplit("1", 1)[0] in html  # gap topics link to their roadmap pages
    interview_url = _reverse_or_none("interviews:start")
    if interview_url:
        assert f"{interview_url}?role={labelled_roles['t-ml-intern'].pk}&amp;resume={resume.pk}" in html


def test_failed_resume_shows_its_error(browser, user):
    resume = Resume.objects.create(user=user, filename="x.pdf", stored_name="f" * 32, kind="pdf", size_bytes=1,
                                   sha256="0" * 64, status="failed", step="failed", error="The uploaded file is missing.")
    html = browser.get(reverse("resumes:detail", args=[resume.pk])).content.decode()
    assert "The uploaded file is missing." in html


def test_another_learners_resume_pages_are_404(client, other_user, user, process_resume, labelled_roles):
    resume = process_resume(user, "hannah_pm.md")
    client.force_login(other_user)
    for name in ("resumes:detail", "resumes:status"):
        assert client.get(reverse(name, args=[resume.pk])).status_code == 404
    assert client.post(reverse("resumes:delete", args=[resume.pk])).status_code == 404
    assert Resume.objects.filter(pk=resume.pk).exists()


def test_deleting_from_the_page_removes_the_file(browser, user, process_resume, labelled_roles, private_uploads,
                                                 django_capture_on_commit_callbacks):
    resume = process_resume(user, "hannah_pm.md")
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("resumes:delete", args=[resume.pk]))
    assert response.status_code == 302
    assert not Resume.objects.exists() and stored_files(private_uploads) == []


def _more_roles(count: int) -> None:
    skills = list(Skill.objects.order_by("id")[:12])
    template = JobRole.objects.exclude(embedding=None).first()
    for i in range(count):
        role = JobRole.objects.create(slug=f"extra-{i}", title=f"Extra role {i}", description=template.description,
                                      seniority="mid", embedding=template.embedding)
        RoleSkill.objects.bulk_create([RoleSkill(role=role, skill=s, weight=1 + (i + j) % 3)
                                       for j, s in enumerate(skills[i % 4 : i % 4 + 6])])


def test_results_page_queries_are_bounded_whatever_the_number_of_roles(
    browser, user, labelled_roles, process_resume, django_assert_max_num_queries
):
    small = process_resume(user, "diego_recsys.txt")
    with django_assert_max_num_queries(10):
        assert browser.get(reverse("resumes:detail", args=[small.pk])).status_code == 200
    _more_roles(60)
    large = process_resume(user, "chen_inference.txt")
    with django_assert_max_num_queries(10):
        assert browser.get(reverse("resumes:detail", args=[large.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert browser.get(reverse("resumes:list")).status_code == 200


def test_results_page_explains_scores_companies_and_missing_skills(browser, user, process_resume, settings,
                                                                     monkeypatch):
    monkeypatch.setenv("LLM_BACKEND", "none")
    resume = process_resume(user, "omar_rag.md")
    html = browser.get(reverse("resumes:detail", args=[resume.pk])).content.decode()
    # Each score shows its parts; missing skills are listed open, not collapsed.
    assert html.count('data-testid="score-parts"') == html.count('data-testid="match"') > 0
    assert "<details" not in html.split('data-testid="matches"')[1]
    assert 'data-testid="missing-skill"' in html
    # Each company's fit names the roles (and skills) behind it.
    reasons = html.count('data-testid="company-reason"')
    assert reasons == html.split('data-testid="company-list"')[1].split("</ol>")[0].count("<li>") > 0
    assert "Because of " in html
    # Why no question about one of the learner's projects will be asked.
    assert 'data-testid="no-llm-note"' in html and "needs an LLM" in html
    assert f'href="{reverse("resumes:compare")}?resume={resume.pk}"' in html
