"""The report's study links follow the learner's tracks, an interview ended early says so, and the
start form has no label without a field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.interviews import services
from apps.interviews.study_links import link_gap_topics
from apps.roadmap.models import Enrollment, Topic, Track
from tests.interviews.conftest import WEAK_ANSWER, answer_and_grade

pytestmark = pytest.mark.django_db


def _skill_taught_by_two_tracks() -> tuple[str, list[Track]]:
    for topic in Topic.objects.prefetch_related("skills").select_related("stage__track"):
        for skill in topic.skills.all():
            tracks = list(Track.objects.filter(stages__topics__skills=skill).distinct().order_by("order"))
            if len(tracks) >= 2:
                return skill.slug, tracks
    pytest.skip("the catalog has no skill taught by two tracks")


def _gap(slug: str) -> dict:
    return {"slug": slug, "name": slug, "score": 10, "missed_key_points": [], "topics": []}


def test_study_links_come_only_from_tracks_the_learner_follows(user):
    slug, tracks = _skill_taught_by_two_tracks()
    followed = tracks[-1]
    Enrollment.objects.create(user=user, track=followed, started_on=dt.date(2026, 1, 5))
    gaps = [_gap(slug)]
    link_gap_topics(gaps, user_id=user.pk)
    assert gaps[0]["topics"] and {t["track"] for t in gaps[0]["topics"]} == {followed.slug}
    assert gaps[0]["recommended"] is False


def test_a_learner_following_no_track_gets_one_recommended_track_labelled(user, client):
    slug, tracks = _skill_taught_by_two_tracks()
    gaps = [_gap(slug)]
    link_gap_topics(gaps, user_id=user.pk)
    assert {t["track"] for t in gaps[0]["topics"]} == {tracks[0].slug} and gaps[0]["recommended"] is True


def test_a_learner_whose_tracks_do_not_teach_the_skill_gets_no_links(user):
    from apps.roadmap.models import Skill

    pair = next(
        ((skill.slug, track) for skill in Skill.objects.filter(topics__isnull=False).distinct().order_by("slug")
         for track in Track.objects.exclude(stages__topics__skills=skill)[:1]),
        None,
    )
    assert pair is not None, "the catalog has a skill some track does not teach"
    slug, other = pair
    Enrollment.objects.create(user=user, track=other, started_on=dt.date(2026, 1, 5))
    gaps = [_gap(slug)]
    link_gap_topics(gaps, user_id=user.pk)
    assert gaps[0]["topics"] == [] and gaps[0]["follows_tracks"] is True


def test_report_of_an_interview_ended_early_says_how_many_were_answered(client, user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=3)
    answer_and_grade(interview, WEAK_ANSWER)
    interview = services.interview_finish(interview=interview)
    client.force_login(user)
    html = client.get(reverse("interviews:report", args=[interview.pk])).content.decode()
    assert "You ended this interview early: 1 of 3 questions answered." in html
    assert interview.report["gaps"]  # a weak answer leaves gaps
    if any(g["topics"] for g in interview.report["gaps"]):
        assert "(from a recommended track: you follow none yet)" in html


def test_report_of_a_complete_interview_does_not_say_ended_early(client, user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    answer_and_grade(interview)
    services.interview_finish(interview=interview)
    client.force_login(user)
    assert "ended this interview early" not in client.get(reverse("interviews:report", args=[interview.pk])).content.decode()


def test_start_form_has_no_label_for_the_hidden_resume_field(client, user):
    client.force_login(user)
    html = client.get(reverse("interviews:start")).content.decode()
    assert 'name="resume"' in html and 'for="id_resume"' not in html and ">Resume</label>" not in html
