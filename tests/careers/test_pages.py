"""Role pages: browse, read, set as target, and the staff page to paste a job posting."""

from django.urls import reverse

from apps.careers.models import JobRole


def test_roles_page_lists_roles_with_skills(client, user, django_assert_max_num_queries):
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("careers:roles"))
    assert response.status_code == 200
    role = JobRole.objects.order_by("title").first()
    assert role.title in response.content.decode()
    senior = client.get(reverse("careers:roles") + "?seniority=senior").content.decode()
    assert all(r.title in senior for r in JobRole.objects.filter(seniority="senior")[:3])


def test_role_detail_and_set_as_target(client, user):
    client.force_login(user)
    role = JobRole.objects.first()
    page = client.get(reverse("careers:role", args=[role.pk]))
    assert page.status_code == 200 and "Set as target role" in page.content.decode()
    response = client.post(reverse("target_role_set", args=[role.pk]), {"next": "/resumes/"})
    assert response.status_code == 302 and response.url == "/resumes/"
    user.refresh_from_db()
    assert user.target_role == role
    unsafe = client.post(reverse("target_role_set", args=[role.pk]), {"next": "https://evil.example/"})
    assert unsafe.url == reverse("careers:role", args=[role.pk])
    assert client.get(reverse("target_role_set", args=[role.pk])).status_code == 405
    assert client.get(reverse("careers:role", args=[999999])).status_code == 404


def test_staff_paste_a_posting_and_its_skills_are_found(client, staff_user, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    assert client.get(reverse("careers:posting_new")).status_code == 200
    text = ("We are hiring an LLM engineer to build RAG with LangChain and pgvector, serve models with vLLM, "
            "and fine-tune with LoRA. RAG experience required (hybrid search, reranking); vector databases a plus.")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("careers:posting_new"), {
            "title": "LLM Engineer", "seniority": "mid", "source_url": "https://jobs.example.com/1", "description": text})
    role = JobRole.objects.get(is_posting=True, title="LLM Engineer")
    assert response.status_code == 302 and response.url == reverse("careers:role", args=[role.pk])
    weights = dict(role.role_skills.values_list("skill__slug", "weight"))
    assert weights["rag"] == 3 and {"llm-frameworks", "vector-databases", "llm-serving", "peft-lora"} <= set(weights)
    assert len(callbacks) == 1  # the embedding is queued after commit


def test_learners_cannot_open_the_posting_page(client, user):
    client.force_login(user)
    assert client.get(reverse("careers:posting_new")).status_code == 403


def test_free_terms_page_is_staff_only_and_its_queries_do_not_grow_with_terms(client, user, staff_user,
                                                                             django_assert_max_num_queries):
    from django.urls import reverse

    from apps.careers.models import FreeTerm
    from apps.roadmap.models import Skill

    client.force_login(user)
    assert client.get(reverse("careers:free_terms")).status_code == 403
    client.force_login(staff_user)
    FreeTerm.objects.bulk_create([FreeTerm(key=f"tool{i}", term=f"Tool{i}", posting_count=i) for i in range(3)])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("careers:free_terms")).status_code == 200
    FreeTerm.objects.bulk_create([FreeTerm(key=f"more{i}", term=f"More{i}", resume_count=1) for i in range(40)])
    with django_assert_max_num_queries(9):
        html = client.get(reverse("careers:free_terms")).content.decode()
    assert "Tool2" in html and "More39" in html
    term = FreeTerm.objects.get(key="tool1")
    skill = Skill.objects.get(slug="mlops")
    response = client.post(reverse("careers:free_terms"), {"term": term.pk, "action": "promote", "skill": skill.pk})
    assert response.status_code == 302
    term.refresh_from_db()
    skill.refresh_from_db()
    assert term.status == "promoted" and "Tool1" in skill.synonyms
