"""The staff cohort dashboard over a chosen period: totals, weekly series and readiness per role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.careers.models import JobRole
from apps.dashboard import cohort
from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Interview
from apps.roadmap.models import Topic, TopicProgress
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _interview(user, *, days_ago: int, score: int) -> Interview:
    interview = Interview.objects.create(user=user, round="coding", status=Interview.Status.FINISHED,
                                         finished_at=timezone.now(), score=score)
    Interview.objects.filter(pk=interview.pk).update(started_at=timezone.now() - timedelta(days=days_ago))
    return interview


def make_cohort(size: int) -> list:
    """`size` learners: each studied and interviewed 3 days ago (score 60) and interviewed 40 days ago (score 80);
    readiness 30 for the LLM engineer role 40 days ago, 70 now."""
    roles = list(JobRole.objects.filter(is_posting=False).order_by("id")[:2])
    topic = Topic.objects.order_by("id").first()
    today = timezone.localdate()
    learners = [UserFactory() for _ in range(size)]
    for learner in learners:
        _interview(learner, days_ago=3, score=60)
        _interview(learner, days_ago=40, score=80)
        progress = TopicProgress.objects.create(user=learner, topic=topic, status=TopicProgress.Status.DONE)
        TopicProgress.objects.filter(pk=progress.pk).update(updated_at=timezone.now() - timedelta(days=3))
        ReadinessSnapshot.objects.create(user=learner, role=roles[0], date=today - timedelta(days=40), score=30)
        ReadinessSnapshot.objects.create(user=learner, role=roles[0], date=today, score=70)
        ReadinessSnapshot.objects.create(user=learner, role=roles[1], date=today - timedelta(days=40), score=95)
    return learners


def test_the_period_changes_the_figures(client, staff_user):
    make_cohort(3)
    _interview(staff_user, days_ago=1, score=10)  # staff are not learners
    recent = cohort.cohort_period(period=cohort.period_from("7"))
    quarter = cohort.cohort_period(period=cohort.period_from("90"))
    assert (recent["active_learners"], recent["interviews"], recent["mean_score"]) == (3, 3, 60)
    assert (quarter["active_learners"], quarter["interviews"], quarter["mean_score"]) == (3, 6, 70)
    assert sum(recent["series"]["interviews"]) == 3 and sum(quarter["series"]["interviews"]) == 6
    assert 13 <= len(quarter["series"]["labels"]) <= 14  # one bar per week
    assert all(isinstance(label, str) and label for label in quarter["series"]["labels"])


def test_readiness_counts_each_learners_latest_score_in_the_period_per_role():
    make_cohort(4)
    roles = list(JobRole.objects.filter(is_posting=False).order_by("id")[:2])
    week = cohort.cohort_period(period=cohort.period_from("7"))["readiness"]
    assert week == [{"role": roles[0].title, "learners": 4, "mean": 70, "bands": [0, 0, 0, 4, 0]}]
    everything = {r["role"]: r for r in cohort.cohort_period(period=cohort.period_from("all"))["readiness"]}
    assert everything[roles[0].title]["bands"] == [0, 0, 0, 4, 0]  # the latest, not the 30 of 40 days ago
    assert everything[roles[1].title]["bands"] == [0, 0, 0, 0, 4]


def test_cohort_page_shows_the_period_charts_and_falls_back_on_an_unknown_period(client, staff_user):
    make_cohort(2)
    client.force_login(staff_user)
    page = client.get("/dashboard/cohort/?period=7").content.decode()
    assert 'id="chart-active"' in page and 'id="chart-interviews"' in page and 'id="chart-readiness"' in page
    assert 'data-series' in page and "vendor/chart.umd.min.js" in page
    assert '<option value="7" selected>Last 7 days</option>' in page
    assert 'data-testid="period-interviews">2<' in page
    odd = client.get("/dashboard/cohort/?period=<script>")
    assert odd.status_code == 200 and '<option value="30" selected>' in odd.content.decode()


def test_cohort_page_is_for_staff_only(client, user):
    assert "/accounts/login/" in client.get("/dashboard/cohort/")["Location"]
    client.force_login(user)
    assert client.get("/dashboard/cohort/").status_code == 403


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("period", ["7", "all"])
def test_cohort_queries_do_not_grow_with_the_cohort(size, period, client, staff_user, django_assert_max_num_queries):
    make_cohort(size)
    client.force_login(staff_user)
    with django_assert_max_num_queries(30):
        page = client.get(f"/dashboard/cohort/?period={period}")
    assert page.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_cohort_figures_are_a_fixed_number_of_queries(size, django_assert_num_queries):
    make_cohort(size)
    with django_assert_num_queries(4):  # activity, interviews per bucket, totals, readiness per role
        figures = cohort.cohort_period(period=cohort.period_from("90"))
    assert figures["active_learners"] == size
