"""The dashboard's history parts (week plan, hours per week, heatmap, score history, reviews due) are
cached per learner (`apps/dashboard/page.py`): every event that changes one of them shows on the next
page view, never a stale copy.

Each test reads the page first (so the parts are in the cache), changes one input the way the product
does, and reads it again. The test's transaction never commits, so `django_capture_on_commit_callbacks
(execute=True)` runs what the commit would run (the state refresh that moves the cache key).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from apps.careers.models import JobRole
from apps.dashboard.activity import day_name
from apps.interviews.models import ReviewItem
from apps.roadmap.models import Topic, Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(db):
    return JobRole.objects.get(slug="llm-engineer")


@pytest.fixture
def learner(user, role, client):
    user.target_role = role
    user.save()
    client.force_login(user)
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def page(client) -> str:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def today_cell(html: str) -> str:
    return re.search(rf'<span [^>]*data-day="{timezone.localdate().isoformat()}"></span>', html).group(0)


def table(html: str, testid: str) -> str:
    return html[html.index(f'data-testid="{testid}"'):].split("</table>", 1)[0]


def test_marking_a_topic_done_moves_the_week_plan_heatmap_and_hours(api, client, learner, committed):
    from apps.roadmap.services import enrollment_upsert

    track = Track.objects.order_by("order").first()
    topic = Topic.objects.filter(stage__track=track).order_by("stage__order", "order").first()
    with committed():
        enrollment_upsert(user=learner, track=track, hours_per_week=10)
    before = page(client)
    assert 'aria-hidden="true"' in today_cell(before)  # nothing done today yet
    assert f'data-testid="week-topic-{topic.id}"' in before and "badge-done" not in before
    with committed():
        assert api.put(f"/api/v1/progress/topics/{topic.id}/", {"status": "done"}, format="json").status_code == 200
    after = page(client)
    assert f'aria-label="{day_name(timezone.localdate())}: 1 topic finished"' in today_cell(after)
    topic_row = after[after.index(f'data-testid="week-topic-{topic.id}"'):].split("</li>", 1)[0]
    assert "badge-done" in topic_row
    studied = re.search(r'data-testid="week-studied">([\d.]+) h<', after).group(1)
    assert float(studied) > 0
    assert f"<td>{studied}</td>" in table(after, "table-hours")  # this week's row of the hours chart


def test_a_graded_answer_and_its_review_item_show_at_once(client, learner, role, committed, monkeypatch):
    from apps.interviews import services as interviews
    from apps.questionbank.models import Question

    monkeypatch.setenv("LLM_BACKEND", "none")
    assert 'data-testid="reviews-due"' not in page(client)
    with committed():
        interview = interviews.interview_start(user=learner, round=role.interview_rounds[0], num_questions=2)
    interview.refresh_from_db()
    version = interview.current_version
    with committed():
        answer = interviews.answer_submit(interview=interview, question=Question.objects.get(pk=version.question_id),
                                          text="I would use a cache, I think. Not sure about the rest.")
    before = page(client)
    with committed():
        interviews.answer_grade(answer_id=answer.pk)
    after = page(client)
    assert "1 interview answer" in today_cell(after) and "interview answer" not in today_cell(before)
    assert f"<th scope=\"row\">{timezone.localdate().isoformat()}</th>" in table(after, "table-history")
    # The missed points come back tomorrow; moved to today, the dashboard counts them at once.
    items = list(ReviewItem.objects.filter(user=learner))
    assert items and 'data-testid="reviews-due"' not in after
    with committed():
        for item in items:
            item.due_on = timezone.localdate()
            item.save(update_fields=["due_on"])
    due = re.search(r'data-testid="reviews-due"><a [^>]*><strong>(\d+)</strong>', page(client))
    assert due and int(due.group(1)) == len(items)


def test_a_readiness_snapshot_shows_in_the_history_at_once(client, learner, role, committed):
    from apps.dashboard.services import readiness_snapshot_take

    before = page(client)
    assert 'data-testid="table-history"' not in before  # no history yet: the empty state
    with committed():
        snapshot = readiness_snapshot_take(user=learner, role=role)
    row = re.search(rf'<th scope="row">{timezone.localdate().isoformat()}</th><td>(\d+)</td>',
                    table(page(client), "table-history"))
    assert row and int(row.group(1)) == snapshot.score


def test_a_new_pace_and_a_project_show_at_once(client, learner, committed):
    from apps.portfolio.services import project_create
    from apps.roadmap.services import enrollment_upsert

    track = Track.objects.order_by("order").first()
    with committed():
        enrollment_upsert(user=learner, track=track, hours_per_week=4)
    assert "at 4 h/week" in page(client)
    with committed():
        enrollment_upsert(user=learner, track=track, hours_per_week=12)
    after = page(client)
    assert "at 12 h/week" in after and "at 4 h/week" not in after
    with committed():
        project_create(user=learner, title="RAG bot", status="in_progress", skills=[])
    assert "1 project updated" in today_cell(page(client))


def test_the_learners_own_weekly_hours_move_the_plan_line(client, learner):
    learner.hours_per_week = 3
    learner.save()
    assert "<td>3.0</td>" in table(page(client), "table-hours")
    learner.hours_per_week = 9
    learner.save()  # not an event the state follows: the hours are part of the cache key
    hours = table(page(client), "table-hours")
    assert "<td>9.0</td>" in hours and "<td>3.0</td>" not in hours
