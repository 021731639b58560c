"""The role picker (summary, salary, rounds, resume fit) and the tracks recommended for the target role."""

import io
import re

import pytest

from apps.careers.models import JobRole, RoleSkill
from apps.dashboard import role_picker
from apps.resumes.selectors import resume_matches
from apps.resumes.services import resume_process, resume_upload
from apps.roadmap import recommend
from apps.roadmap.models import Skill, Stage, Topic, Track

pytestmark = pytest.mark.django_db

RESUME = b"""Jane Doe
Skills
Python, PyTorch, retrieval-augmented generation with FAISS, LoRA fine-tuning, prompt engineering
Experience
ML Engineer (2021 - present): built RAG assistants and fine-tuned LLMs with LoRA adapters; served them with vLLM.
"""


def _card_html(html: str, slug: str) -> str:
    match = re.search(rf'<article aria-labelledby="role-\d+" data-testid="role-{slug}">(.*?)</article>', html, re.S)
    assert match, f"no card for {slug}"
    return match.group(1)


@pytest.mark.parametrize(("low", "high", "currency", "period", "region", "expected"), [
    (120000, 300000, "USD", "year", "US", "$120K–$300K a year (US)"),
    (1500000, 3500000, "INR", "year", "India", "₹15L–₹35L a year (India)"),
    (85000, None, "EUR", "year", "", "from €85K a year"),
    (None, 40, "USD", "hour", "", "up to $40 an hour"),
    (None, None, "", "year", "", ""),
])
def test_salary_is_written_as_people_write_it(low, high, currency, period, region, expected):
    assert role_picker.salary_label(low=low, high=high, currency=currency, period=period, region=region) == expected


def test_role_picker_shows_summary_salary_and_rounds_by_name(client, user):
    client.force_login(user)
    role = JobRole.objects.get(slug="llm-engineer")
    html = client.get("/roadmaps/roles/").content.decode()
    assert html.count('data-testid="role-') == JobRole.objects.filter(is_posting=False).count()
    card = _card_html(html, role.slug)
    assert role.title in card
    assert role_picker.summary_of(role.description).split(".")[0] in card
    assert "$120K–$300K a year (US)" in card
    assert "Coding, ML fundamentals, LLM deep dive, System design, Behavioral" in card
    assert "ml_fundamentals" not in html and "120000" not in html  # no raw ids or numbers
    assert 'data-testid="fit"' not in html and "Upload your resume" in html


def test_role_picker_shows_the_resume_fit_the_resume_page_computes(client, user):
    upload = resume_upload(user=user, file=io.BytesIO(RESUME), filename="cv.txt", size=len(RESUME))
    resume = resume_process(resume_id=upload.resume.pk)
    assert resume.status == "ready"
    cards = {c.role.pk: c for c in role_picker.role_cards(user=user)}
    assert all(c.fit is not None for c in cards.values())
    for match in resume_matches(resume=resume, k=5, explain=False):
        if match.role.pk in cards:  # the same score as the resume page, for every role it ranks
            assert cards[match.role.pk].fit == match.score.score
    client.force_login(user)
    html = client.get("/roadmaps/roles/").content.decode()
    best = max(cards.values(), key=lambda c: (c.fit, -len(c.role.title)))
    assert f"{best.fit}/100" in _card_html(html, best.role.slug)
    assert "ordered by how well your latest resume fits" in html


def test_choosing_a_role_sets_the_target_and_recommends_its_tracks(client, user):
    client.force_login(user)
    role = JobRole.objects.get(slug="llm-engineer")
    response = client.post("/roadmaps/roles/choose/", {"role": role.id}, follow=True)
    user.refresh_from_db()
    assert user.target_role_id == role.id
    html = response.content.decode()
    assert f"For your target role: {role.title}" in html
    assert html.count('data-testid="recommended-') == recommend.MAX_RECOMMENDED
    assert "your target" in _card_html(client.get("/roadmaps/roles/").content.decode(), role.slug)


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_choosing_an_unknown_role_is_a_message_not_an_error(client, user, value):
    client.force_login(user)
    response = client.post("/roadmaps/roles/choose/", {"role": value}, follow=True)
    assert response.status_code == 200 and "Choose one of the roles listed" in response.content.decode()
    user.refresh_from_db()
    assert user.target_role_id is None


def test_a_single_companys_posting_cannot_be_chosen_here(client, user):
    posting = JobRole.objects.create(slug="acme-posting", title="Acme LLM Engineer", description="x", is_posting=True)
    client.force_login(user)
    client.post("/roadmaps/roles/choose/", {"role": posting.id})
    user.refresh_from_db()
    assert user.target_role_id is None


def test_tracks_are_ranked_by_how_much_of_the_roles_weighted_skills_they_teach(user):
    heavy, light, other = Skill.objects.order_by("id")[:3]
    role = JobRole.objects.create(slug="weighted", title="Weighted role", description="x")
    RoleSkill.objects.create(role=role, skill=heavy, weight=3)
    RoleSkill.objects.create(role=role, skill=light, weight=1)

    def track(slug: str, skills: list[Skill], topics: int = 1) -> Track:
        t = Track.objects.create(slug=slug, title=slug, duration_weeks=2, suggested_hours_per_week=10, order=99)
        stage = Stage.objects.create(track=t, key="s", title="s")
        for i in range(topics):
            Topic.objects.create(stage=stage, key=f"t{i}", title=f"t{i}").skills.set(skills)
        return t

    both_long = track("both-long", [heavy, light], topics=4)
    both_short = track("both-short", [heavy, light], topics=1)
    Topic.objects.filter(stage__track=both_short).update(estimated_hours=3)
    heavy_only = track("heavy-only", [heavy])
    track("light-only", [light])
    track("unrelated", [other])
    ours = [both_long, both_short, heavy_only, *Track.objects.filter(slug__in=["light-only", "unrelated"])]
    tracks = [t for t in recommend.tracks_with_hours() if t.slug in {t.slug for t in ours}]
    durations = recommend.durations_for(user=user, tracks=tracks)
    role_skills = {rs.skill_id: (rs.skill.name, rs.weight) for rs in role.role_skills.select_related("skill")}
    ranked = recommend.recommended_tracks(role_skills=role_skills, tracks=tracks, durations=durations, limit=10)
    assert [(r.track.slug, r.coverage) for r in ranked] == [
        ("both-short", 100), ("both-long", 100), ("heavy-only", 75), ("light-only", 25),
    ]  # the shorter of two equal tracks first; a track teaching none of the skills is not recommended
    assert ranked[2].covered == [heavy.name] and ranked[2].missing == [light.name]
    assert ranked[0].duration.total_hours == 3 and ranked[0].duration.weeks == 1


def test_recommendations_for_a_real_role_cover_its_heaviest_skills(client, user):
    role = JobRole.objects.get(slug="llm-engineer")
    user.target_role = role
    user.save()
    client.force_login(user)
    html = client.get("/roadmaps/").content.decode()
    slugs = re.findall(r'data-testid="recommended-([\w-]+)"', html)
    assert slugs
    # Independently: the share of the role's skill weight each recommended track teaches.
    weights = dict(role.role_skills.values_list("skill_id", "weight"))
    def coverage(slug: str) -> int:
        taught = set(Topic.skills.through.objects.filter(topic__stage__track__slug=slug).values_list("skill_id", flat=True))
        return round(100 * sum(w for s, w in weights.items() if s in taught) / sum(weights.values()))
    shown = [int(re.search(rf'data-testid="recommended-{s}".*?covers <strong>(\d+)%', html, re.S).group(1)) for s in slugs]
    assert shown == [coverage(s) for s in slugs] and shown == sorted(shown, reverse=True)
    best_elsewhere = max(coverage(t.slug) for t in Track.objects.exclude(slug__in=slugs))
    assert shown[-1] >= best_elsewhere


def _roles(n: int) -> None:
    skills = list(Skill.objects.order_by("id")[:5])
    embedding = JobRole.objects.get(slug="llm-engineer").embedding
    for i in range(n):
        role = JobRole.objects.create(slug=f"extra-{i}", title=f"Extra role {i}", description="Does things. More.",
                                      salary_min=1000, salary_max=2000, salary_currency="USD",
                                      interview_rounds=["coding", "behavioral"], embedding=embedding)
        RoleSkill.objects.bulk_create([RoleSkill(role=role, skill=s, weight=2) for s in skills])


@pytest.mark.parametrize("extra", [0, 40])
def test_role_picker_and_roadmap_list_use_a_bounded_number_of_queries(extra, client, user, django_assert_max_num_queries):
    _roles(extra)
    upload = resume_upload(user=user, file=io.BytesIO(RESUME), filename="cv.txt", size=len(RESUME))
    resume_process(resume_id=upload.resume.pk)
    user.target_role = JobRole.objects.get(slug="llm-engineer")
    user.save()
    client.force_login(user)
    client.get("/roadmaps/")
    with django_assert_max_num_queries(7):
        response = client.get("/roadmaps/roles/")
    assert response.status_code == 200 and response.content.decode().count('data-testid="fit"') >= 19 + extra
    with django_assert_max_num_queries(14):
        assert client.get("/roadmaps/").status_code == 200
