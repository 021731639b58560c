import datetime as dt

import pytest
from django.utils import timezone

from apps.roadmap import selectors
from apps.roadmap.models import Enrollment, Stage, Topic, TopicProgress, Track
from apps.roadmap.services import enrollment_upsert, topic_progress_set

pytestmark = pytest.mark.django_db


def _topic(track_slug: str = "twelve-week-llm", index: int = 0) -> Topic:
    return Topic.objects.filter(stage__track__slug=track_slug).order_by("stage__order", "order")[index]


def test_put_progress_then_read_it_back_in_the_summary(api, user):
    topic = _topic()
    response = api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done", "confidence": 4, "notes": "ok"})
    assert response.status_code == 200
    assert response.json()["status"] == "done" and response.json()["completed_at"]
    summary = api.get("/api/v1/progress/").json()
    track = next(t for t in summary["tracks"] if t["slug"] == "twelve-week-llm")
    assert track["done"] == 1 and track["total"] == Topic.objects.filter(stage__track__slug="twelve-week-llm").count()
    skills = {s["slug"]: s["coverage"] for s in summary["skills"]}
    assert all(skills[s.slug] > 0 for s in topic.skills.all())
    assert Enrollment.objects.filter(user=user, track__slug="twelve-week-llm").exists()  # working on a topic enrols


def test_progress_input_is_validated(api):
    topic = _topic()
    assert api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "finished"}).status_code == 400
    assert api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done", "confidence": 9}).status_code == 400
    assert api.put("/api/v1/progress/topics/999999/", {"status": "done"}).status_code == 404


def test_other_learners_progress_is_404(api, other_api):
    topic = _topic()
    other_api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done", "notes": "private"})
    assert api.get(f"/api/v1/progress/topics/{topic.id}/").status_code == 404
    assert all(t["done"] == 0 for t in api.get("/api/v1/progress/").json()["tracks"])


def test_progress_on_one_track_counts_for_the_skill_everywhere(user):
    rag_topics = Topic.objects.filter(skills__slug="rag").select_related("stage__track")
    track = rag_topics[0].stage.track
    for topic in rag_topics.filter(stage__track=track):
        topic_progress_set(user=user, topic=topic, status="done")
    coverage = selectors.skill_coverage_for(user=user)
    assert coverage["rag"] >= 0.85
    assert rag_topics.exclude(stage__track=track).exists()


def test_verified_topics_count_more_than_self_reported_ones(user, other_user):
    topic = Topic.objects.filter(skills__slug="tokenization").first()
    topic_progress_set(user=user, topic=topic, status="done")
    topic_progress_set(user=other_user, topic=topic, status="done")
    TopicProgress.objects.filter(user=other_user, topic=topic).update(verified_at=timezone.now())
    assert selectors.skill_coverage_for(user=other_user)["tokenization"] > selectors.skill_coverage_for(user=user)["tokenization"]


def test_schedule_projects_a_finish_date_and_says_ahead_or_behind(user):
    track = Track.objects.get(slug="twelve-week-llm")
    enrollment = enrollment_upsert(user=user, track=track, hours_per_week=10)
    today = timezone.localdate()
    (schedule,) = selectors.schedules_for(user=user, today=today)
    assert schedule.status == "on track" and schedule.projected_finish > today
    slow = schedule.projected_finish
    Enrollment.objects.filter(pk=enrollment.pk).update(started_on=today - dt.timedelta(weeks=6))
    (schedule,) = selectors.schedules_for(user=user, today=today)
    assert schedule.status == "behind"
    for topic in Topic.objects.filter(stage__track=track)[:20]:
        topic_progress_set(user=user, topic=topic, status="done")
    (schedule,) = selectors.schedules_for(user=user, today=today)
    assert schedule.status == "ahead" and schedule.projected_finish < slow
    enrollment_upsert(user=user, track=track, hours_per_week=40)
    (faster,) = selectors.schedules_for(user=user, today=today)
    assert faster.projected_finish < schedule.projected_finish


def _big_track(topics: int) -> Track:
    track = Track.objects.create(slug=f"big-{topics}", title=f"Big {topics}")
    skill_ids = list(Topic.skills.through.objects.values_list("skill_id", flat=True)[:3])
    for s in range(max(1, topics // 10)):
        stage = Stage.objects.create(track=track, key=f"s{s}", order=s, title=f"Stage {s}")
        for t in range(10 if topics >= 10 else topics):
            topic = Topic.objects.create(stage=stage, key=f"t{t}", order=t, title=f"Topic {s}.{t}")
            topic.skills.set(skill_ids)
            topic.resources.create(title="r", url="https://example.com", kind="blog")
    return track


@pytest.mark.parametrize("size", [5, 200])
def test_track_page_and_track_api_use_a_bounded_number_of_queries(size, client, api, user, django_assert_max_num_queries):
    track = _big_track(size)
    client.force_login(user)
    for topic in Topic.objects.filter(stage__track=track)[:3]:
        topic_progress_set(user=user, topic=topic, status="done")
    client.get(f"/roadmaps/{track.slug}/")  # warm: this process's copy of the catalog (apps/roadmap/catalog_cache.py)
    with django_assert_max_num_queries(14):
        assert client.get(f"/roadmaps/{track.slug}/").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get("/roadmaps/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get(f"/api/v1/tracks/{track.slug}/").status_code == 200
    api.get("/api/v1/progress/")  # warm: the learner's stored state and this process's catalog maps
    # The token with its user, the tracks with their topic counts, the learner's progress per track, the
    # stored state (its coverage) with the catalog version: nothing per topic or per skill.
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/progress/").status_code == 200


def test_one_click_marks_a_topic_done_and_returns_the_new_stage_bar(client, user):
    topic = _topic()
    client.force_login(user)
    response = client.post(f"/roadmaps/topics/{topic.id}/status/", {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="stage-bar-{topic.stage_id}"' in response.content.decode() and "hx-swap-oob" in response.content.decode()
    assert "1 / " in response.content.decode()
    assert client.post(f"/roadmaps/topics/{topic.id}/status/", {"status": "bogus"}, HTTP_HX_REQUEST="true").status_code == 400


def test_track_list_topic_and_skill_pages_render(client, user):
    client.force_login(user)
    assert b"12-Week" in client.get("/roadmaps/").content
    topic = _topic()
    page = client.get(f"/roadmaps/topics/{topic.id}/")
    assert page.status_code == 200 and topic.title.encode() in page.content
    response = client.post(f"/roadmaps/topics/{topic.id}/", {"status": "in_progress", "confidence": "3", "notes": "<script>x</script>"}, follow=True)
    assert b"Progress saved" in response.content and b"<script>x</script>" not in response.content
    assert client.get("/roadmaps/skills/").status_code == 200
    assert client.get("/roadmaps/no-such-track/").status_code == 404


def test_public_catalog_api(api):
    tracks = api.get("/api/v1/tracks/").json()
    assert tracks["count"] == 5
    first = tracks["results"][0]
    assert {"slug", "title", "summary", "source", "stage_count", "topic_count"} <= set(first)
    detail = api.get(f"/api/v1/tracks/{first['slug']}/").json()
    topic = detail["stages"][0]["topics"][0]
    assert {"id", "title", "skills", "resources"} <= set(topic)
    assert api.get("/api/v1/skills/").json()["count"] >= 60
    assert api.get("/api/v1/projects/").json()["count"] >= 40
    assert api.get("/api/v1/tracks/nope/").status_code == 404
