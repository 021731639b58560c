"""This week's plan, studied hours from the topics' estimates, and durations at the learner's pace."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from apps.roadmap import recommend, week_plan
from apps.roadmap.models import Enrollment, Stage, Topic, TopicProgress, Track
from apps.roadmap.services import enrollment_upsert, topic_progress_set

pytestmark = pytest.mark.django_db


def _track(slug: str = "plan-test", hours: list[float] | tuple = (4,) * 9, stages: int = 1) -> Track:
    """A track whose topics have the given estimated hours, split over `stages` stages, in order."""
    track = Track.objects.create(slug=slug, title=f"Track {slug}", duration_weeks=10, suggested_hours_per_week=10)
    per_stage = -(-len(hours) // stages)
    for s in range(stages):
        stage = Stage.objects.create(track=track, key=f"s{s}", order=s, title=f"Stage {s}")
        for i, h in enumerate(hours[s * per_stage:(s + 1) * per_stage]):
            Topic.objects.create(stage=stage, key=f"t{i}", order=i, title=f"Topic {s}.{i}", estimated_hours=h)
    return track


def _topics(track: Track) -> list[Topic]:
    return list(Topic.objects.filter(stage__track=track).order_by("stage__order", "order"))


def _follow(user, track: Track, *, pace: int = 10, weeks_ago: int = 0) -> Enrollment:
    """Follow `track` from the Monday `weeks_ago` weeks before this week."""
    enrollment = enrollment_upsert(user=user, track=track, hours_per_week=pace)
    monday = week_plan.week_start(timezone.localdate())
    Enrollment.objects.filter(pk=enrollment.pk).update(started_on=monday - dt.timedelta(weeks=weeks_ago))
    return enrollment


def _studied(user) -> float:
    return week_plan.week_plan_for(user=user).studied_hours


def test_studied_hours_are_the_topics_estimates_counted_once_and_removed_when_unmarked(user):
    track = _track(hours=[1.5, 2, 3, 0.5, 1, 4])
    _follow(user, track)
    topics = _topics(track)
    for topic in topics[:5]:
        topic_progress_set(user=user, topic=topic, status="done")
    assert _studied(user) == 8.0  # 1.5 + 2 + 3 + 0.5 + 1, not five clicks at a flat rate
    # Clicking "Mark done" again, or reopening and finishing, does not count a topic twice.
    topic_progress_set(user=user, topic=topics[0], status="done")
    topic_progress_set(user=user, topic=topics[0], status="in_progress")
    topic_progress_set(user=user, topic=topics[0], status="done")
    assert _studied(user) == 8.0
    # Unmarking removes the topic's hours.
    topic_progress_set(user=user, topic=topics[2], status="in_progress")
    topic_progress_set(user=user, topic=topics[3], status="not_started")
    assert _studied(user) == 4.5


def test_a_topic_without_an_estimate_counts_its_tracks_planned_hours_shared_out(user):
    track = _track(hours=[None, None, None, None])  # 10 weeks x 10 h planned over 4 topics = 25 h each
    _follow(user, track)
    topic_progress_set(user=user, topic=_topics(track)[0], status="done")
    assert _studied(user) == 25.0
    week = week_plan.study_hours_by_week(user=user)[-1]
    assert week["hours"] == 25.0


def test_the_week_plan_lists_late_and_due_topics_and_says_behind_then_on_track_then_ahead(user):
    track = _track()  # nine topics of 4 h
    _follow(user, track, pace=10, weeks_ago=2)  # 20 h were due before this week, 30 h by Sunday
    topics = _topics(track)

    (week,) = week_plan.week_plan_for(user=user).tracks
    assert week.week_number == 3
    assert week.status == "behind" and week.behind_hours == 20.0
    late = [p.topic for p in week.topics if p.late]
    due = [p.topic for p in week.topics if not p.late]
    assert late == topics[:5]  # the first 20 h: due before this week, not done
    assert due == topics[5:8]  # 20-32 h overlaps this week's 20-30 h
    assert week.due_hours == 32.0

    for topic in topics[:5]:
        topic_progress_set(user=user, topic=topic, status="done")
    (week,) = week_plan.week_plan_for(user=user).tracks
    assert week.status == "on track" and not any(p.late for p in week.topics)
    assert week.due_hours == 12.0

    for topic in topics[5:8]:
        topic_progress_set(user=user, topic=topic, status="done")
    plan = week_plan.week_plan_for(user=user)
    (week,) = plan.tracks
    assert week.status == "ahead" and week.ahead_hours == 2.0  # 32 h done, 30 h due by Sunday
    assert plan.studied_hours == 32.0

    topic_progress_set(user=user, topic=topics[8], status="done")
    assert week_plan.week_plan_for(user=user).tracks[0].status == "done"


def test_the_plan_starts_the_day_the_learner_started_and_follows_the_pace(user):
    track = _track()
    enrollment = enrollment_upsert(user=user, track=track, hours_per_week=14)
    today = timezone.localdate()
    sunday = week_plan.week_start(today) + dt.timedelta(days=6)
    (week,) = week_plan.week_plan_for(user=user).tracks
    assert week.week_number == 1 and week.status == "on track" and week.planned_before == 0
    assert week.planned_by_end == round(2 * ((sunday - today).days + 1), 1)  # 14 h/week is 2 h a day, from today
    Enrollment.objects.filter(pk=enrollment.pk).update(hours_per_week=28)
    (faster,) = week_plan.week_plan_for(user=user).tracks
    assert faster.planned_by_end == 2 * week.planned_by_end


def test_hours_chart_has_no_plan_before_the_account_existed_or_the_track_was_started(user):
    today = timezone.localdate()
    monday = week_plan.week_start(today)
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - dt.timedelta(weeks=5))
    user.refresh_from_db()
    _follow(user, _track(), pace=7, weeks_ago=2)
    weeks = week_plan.study_hours_by_week(user=user, weeks=8)
    assert [w["week"] for w in weeks] == [monday - dt.timedelta(weeks=7 - i) for i in range(8)]
    assert [w["plan"] for w in weeks] == [None] * 5 + [7.0, 7.0, 7.0]

    # Without any track followed, the profile's pace from the week the account was created.
    Enrollment.objects.filter(user=user).delete()
    weeks = week_plan.study_hours_by_week(user=user, weeks=8)
    joined = week_plan.week_start(timezone.localtime(user.date_joined).date())
    assert all((w["plan"] is None) == (w["week"] + dt.timedelta(days=6) < joined) for w in weeks)
    assert weeks[-1]["plan"] == user.hours_per_week


def test_schedule_status_agrees_with_the_week_plan(user):
    from apps.roadmap import selectors

    track = _track()
    _follow(user, track, pace=10, weeks_ago=2)
    (schedule,) = selectors.schedules_for(user=user)
    assert schedule.status == week_plan.week_plan_for(user=user).tracks[0].status == "behind"
    assert schedule.total_hours == 36.0 and schedule.weeks_left == 4  # 36 h at 10 h/week


# --- durations at the learner's pace --------------------------------------------------------------

def _duration_text(html: str, slug: str) -> str:
    match = re.search(rf'data-testid="duration-{slug}"><small>(.*?)</small>', html, re.S)
    assert match, f"no duration for {slug}"
    return " ".join(match.group(1).split())


def test_track_durations_follow_the_hours_per_week_the_learner_enters(client, user):
    client.force_login(user)
    track = next(t for t in recommend.tracks_with_hours() if t.slug == "twelve-week-llm")
    hours = recommend.track_total_hours(track)
    assert hours > 0
    text = _duration_text(client.get("/roadmaps/").content.decode(), "twelve-week-llm")
    assert f"about {recommend.weeks_at(hours, 10)} weeks at 10 h/week" in text

    response = client.post("/roadmaps/pace/", {"hours_per_week": "20"}, follow=True)
    assert "Durations now assume 20 h/week" in response.content.decode()
    text = _duration_text(response.content.decode(), "twelve-week-llm")
    assert f"about {recommend.weeks_at(hours, 20)} weeks at 20 h/week" in text
    assert recommend.weeks_at(hours, 20) < recommend.weeks_at(hours, 10)

    # A followed track uses the pace chosen for it.
    enrollment_upsert(user=user, track=Track.objects.get(slug="twelve-week-llm"), hours_per_week=40)
    text = _duration_text(client.get("/roadmaps/").content.decode(), "twelve-week-llm")
    assert f"about {recommend.weeks_at(hours, 40)} weeks at 40 h/week" in text


@pytest.mark.parametrize("value", ["0", "81", "ten", ""])
def test_a_bad_pace_is_refused_with_a_message(client, user, value):
    client.force_login(user)
    response = client.post("/roadmaps/pace/", {"hours_per_week": value}, follow=True)
    assert response.status_code == 200 and "between 1 and 80" in response.content.decode()
    user.refresh_from_db()
    assert user.hours_per_week == 10


def test_track_page_duration_follows_the_enrollment_pace(client, user):
    client.force_login(user)
    track = _track(hours=[4] * 9)  # 36 h
    assert "about 4 weeks at 10 h/week" in client.get(f"/roadmaps/{track.slug}/").content.decode()
    client.post(f"/roadmaps/{track.slug}/enroll/", {"hours_per_week": "3"})
    page = client.get(f"/roadmaps/{track.slug}/").content.decode()
    assert "36 hours of study: about 12 weeks at 3 h/week" in page
    assert "About 12 weeks left" in page


# --- the track page ---------------------------------------------------------------------------------

def _headings(html: str) -> list[int]:
    main = html.split('<main', 1)[1]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


@pytest.mark.parametrize("slug", ["twelve-week-llm", "core-llm-roadmap", "llm-specialist", "llm-tutorial-series",
                                  "llm-engineer-18-24-months"])
def test_track_page_headings_never_skip_a_level(client, user, slug):
    client.force_login(user)
    enrollment_upsert(user=user, track=Track.objects.get(slug=slug), hours_per_week=10)
    levels = _headings(client.get(f"/roadmaps/{slug}/").content.decode())
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_track_page_shows_this_weeks_plan_to_a_follower_only(client, user):
    client.force_login(user)
    track = _track()
    assert 'data-testid="this-week"' not in client.get(f"/roadmaps/{track.slug}/").content.decode()
    _follow(user, track, weeks_ago=2)
    page = client.get(f"/roadmaps/{track.slug}/").content.decode()
    assert 'data-testid="this-week"' in page and "behind by 20 h" in page
    assert page.count('data-testid="week-done-') == 8  # five late topics and three due this week


def test_marking_a_topic_returns_the_new_headline_and_week_plan_out_of_band(client, user):
    client.force_login(user)
    track = _track()
    _follow(user, track, weeks_ago=2)
    topic = _topics(track)[0]
    body = client.post(f"/roadmaps/topics/{topic.id}/status/", {"status": "done", "page": "track"},
                       HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"topic-{topic.id}").content.decode()
    assert body.lstrip().startswith("<div class=\"topic-row\"")  # the clicked row is the swapped fragment
    headline = body.split('id="track-headline"', 1)[1]
    assert 'hx-swap-oob="true"' in headline.split(">", 1)[0] and "<strong>11%</strong> done" in headline
    week = body.split('id="this-week"', 1)[1]
    assert 'hx-swap-oob="true"' in week.split(">", 1)[0] and "behind by 16 h" in week
    assert f'id="stage-bar-{topic.stage_id}"' in body

    # From the week plan: the plan is the swapped fragment and the topic's row comes out of band.
    second = _topics(track)[1]
    body = client.post(f"/roadmaps/topics/{second.id}/status/", {"status": "done", "page": "track"},
                       HTTP_HX_REQUEST="true", HTTP_HX_TARGET="this-week").content.decode()
    assert body.lstrip().startswith('<section id="this-week"') and "behind by 12 h" in body
    row = body.split(f'id="topic-{second.id}"', 1)[1]
    assert 'hx-swap-oob="true"' in row.split(">", 1)[0]


def test_marking_from_the_dashboards_week_plan_returns_the_plan(client, user):
    client.force_login(user)
    track = _track()
    _follow(user, track, weeks_ago=2)
    topic = _topics(track)[0]
    response = client.post(f"/roadmaps/topics/{topic.id}/status/", {"status": "done", "page": "dashboard"},
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET="this-week")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="this-week"') and "track-headline" not in body
    assert "Studied <strong data-testid=\"week-studied\">4 h</strong>" in body
    # Without JavaScript the form posts and goes back to the dashboard.
    response = client.post(f"/roadmaps/topics/{topic.id}/status/", {"status": "in_progress", "page": "dashboard"})
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert TopicProgress.objects.get(user=user, topic=topic).status == "in_progress"


def test_dashboard_shows_the_week_plan_with_or_without_a_target_role(client, user):
    client.force_login(user)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="this-week"' in page and "Follow a roadmap" in page
    track = _track()
    _follow(user, track, weeks_ago=1)
    page = client.get("/dashboard/").content.decode()
    assert f'data-testid="week-track-{track.slug}"' in page and "behind by 10 h" in page


@pytest.mark.parametrize("size", [9, 180])
def test_pages_with_the_week_plan_use_a_bounded_number_of_queries(size, client, user, django_assert_max_num_queries):
    track = _track(slug=f"plan-{size}", hours=[2] * size, stages=max(1, size // 10))
    _follow(user, track, weeks_ago=3)
    topics = _topics(track)
    for topic in topics[:5]:
        topic_progress_set(user=user, topic=topic, status="done")
    client.force_login(user)
    client.get("/roadmaps/")
    with django_assert_max_num_queries(17):
        assert client.get(f"/roadmaps/{track.slug}/").status_code == 200
    # Most of these are the progress service's (locking, validation); none is per topic.
    with django_assert_max_num_queries(24):
        assert client.post(f"/roadmaps/topics/{topics[6].id}/status/", {"status": "done", "page": "track"},
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"topic-{topics[6].id}").status_code == 200
    with django_assert_max_num_queries(21):
        assert client.post(f"/roadmaps/topics/{topics[7].id}/status/", {"status": "done", "page": "dashboard"},
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET="this-week").status_code == 200
    with django_assert_max_num_queries(4):  # session user, catalog version, progress rows, enrollments
        assert client.get("/roadmaps/").status_code == 200
