"""The activity heatmap names each day and what was done on it."""

import re

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from apps.careers.models import JobRole
from apps.dashboard.activity import activity_days
from apps.roadmap.models import Topic
from apps.roadmap.services import topic_progress_set
from tests.dashboard.helpers import give_answers

pytestmark = pytest.mark.django_db


def test_each_active_day_is_labelled_with_its_date_and_what_was_done(client, user):
    user.target_role = JobRole.objects.get(slug="llm-engineer")
    user.save()
    for topic in Topic.objects.order_by("id")[:2]:
        topic_progress_set(user=user, topic=topic, status="done")
    today = timezone.localdate()
    days = activity_days(user=user)
    assert len(days) == 182 and days[-1].day == today
    assert days[-1].topics == 2 and days[-1].what == "2 topics finished"

    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    label = f"{format_date(today, 'D j M Y')}: 2 topics finished"
    assert f'role="img" aria-label="{label}" title="{label}"' in html
    heatmap = re.search(r'data-testid="heatmap">(.*?)</div>', html, re.S).group(1)
    assert heatmap.count("<span") == 182 and heatmap.count('role="img"') == 1  # quiet days are not announced
    assert 'aria-hidden="true" data-testid="heatmap"' not in html


def test_a_day_with_answers_and_topics_says_both(user):
    give_answers(user, 10)
    topic_progress_set(user=user, topic=Topic.objects.order_by("id").first(), status="done")
    busy = [d for d in activity_days(user=user) if d.answers]
    assert busy and sum(d.answers for d in busy) == 10
    today = activity_days(user=user)[-1]
    assert today.what.startswith("1 topic finished")
    assert all("interview answer" in d.what for d in busy)
