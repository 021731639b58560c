"""The roadmap pages read the catalog from a per-process copy (`apps/roadmap/catalog_cache.py`) kept
under the catalog's version: a staff edit shows on the next page view, in this process and any other."""

import re

import pytest

from apps.roadmap.models import Skill, Stage, Topic, Track

pytestmark = pytest.mark.django_db


def total_hours(client, track: Track) -> int:
    html = client.get("/roadmaps/").content.decode()
    return int(re.search(rf'data-testid="duration-{track.slug}"><small>.*? · ([\d,]+) h of study', html).group(1)
               .replace(",", ""))


def test_a_topic_edited_by_staff_changes_the_roadmap_hours_at_once(client, user):
    client.force_login(user)
    topic = Topic.objects.filter(estimated_hours__gt=0).select_related("stage__track").order_by("id").first()
    track = topic.stage.track
    before = total_hours(client, track)  # the copy is built here
    topic.estimated_hours += 40
    topic.save()  # as the admin saves it: the catalog version moves in the same transaction
    assert total_hours(client, track) >= before + 39


def test_a_new_topic_shows_in_the_week_plan_and_a_new_skill_in_the_recommendations(client, user):
    from apps.careers.models import JobRole, RoleSkill
    from apps.roadmap.services import enrollment_upsert

    client.force_login(user)
    track = Track.objects.create(slug="fresh-track", title="Fresh track", order=0)
    stage = Stage.objects.create(track=track, key="s", order=0, title="Stage")
    enrollment_upsert(user=user, track=track, hours_per_week=10)
    assert "Brand new topic" not in client.get("/dashboard/").content.decode()
    topic = Topic.objects.create(stage=stage, key="t", order=0, title="Brand new topic", estimated_hours=2)
    assert "Brand new topic" in client.get("/dashboard/").content.decode()

    skill = Skill.objects.create(slug="fresh-skill", name="Fresh skill", category=Skill.objects.first().category)
    role = JobRole.objects.create(slug="fresh-role", title="Fresh role", description="x")
    RoleSkill.objects.create(role=role, skill=skill, weight=3)
    user.target_role = role
    user.save()
    recommended = client.get("/roadmaps/").content.decode().split('data-testid="recommended"', 1)[1].split("</section>", 1)[0]
    assert "Fresh track" not in recommended
    topic.skills.add(skill)  # the m2m change moves the catalog version too
    recommended = client.get("/roadmaps/").content.decode().split('data-testid="recommended"', 1)[1].split("</section>", 1)[0]
    assert "Fresh track" in recommended


def test_the_target_role_is_read_once_per_catalog_version_and_a_staff_edit_shows_at_once(
        client, user, django_assert_num_queries):
    from apps.careers.models import JobRole, RoleSkill

    role = JobRole.objects.create(slug="memo-role", title="Memo role", description="x")
    user.target_role = role
    user.save()
    client.force_login(user)
    assert "For your target role: Memo role" in client.get("/roadmaps/").content.decode()
    assert "No roadmap teaches the skills of this role yet." in client.get("/roadmaps/").content.decode()
    with django_assert_num_queries(4):  # session user, catalog version, progress rows, enrollments: no role query
        client.get("/roadmaps/")

    role.title = "Renamed role"
    role.save()  # a catalog row: the version moves, the role is read again
    assert "For your target role: Renamed role" in client.get("/roadmaps/").content.decode()
    taught = Topic.objects.filter(skills__isnull=False).select_related("stage__track").order_by("id").first()
    RoleSkill.objects.create(role=role, skill=taught.skills.first(), weight=3)
    recommended = client.get("/roadmaps/").content.decode().split('data-testid="recommended"', 1)[1].split("</section>", 1)[0]
    assert taught.stage.track.title in recommended
