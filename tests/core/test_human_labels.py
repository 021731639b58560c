"""Pages name things as people do: no round ids, skill slugs or question keys where a label exists."""

import re

import pytest

from apps.careers.labels import ROUND_LABELS
from apps.interviews.models import Interview
from apps.questionbank.models import Question
from tests.dashboard.helpers import give_answers

ROUND_IDS = re.compile(r"\b(" + "|".join(k for k in ROUND_LABELS if "_" in k) + r")\b")


def _visible_text(html: str) -> str:
    """The page without tags or attribute values (ids may live in form values and data attributes)."""
    return re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))


@pytest.mark.django_db
def test_interview_history_averages_rounds_by_name(client, user):
    give_answers(user, 12, rounds=("ml_fundamentals", "llm_deep_dive"))
    Interview.objects.filter(user=user).update(score=70)
    client.force_login(user)
    text = _visible_text(client.get("/interviews/").content.decode())
    assert "Average by round" in text
    assert not ROUND_IDS.search(text), ROUND_IDS.search(text)


@pytest.mark.django_db
def test_cohort_hardest_questions_show_prompts_and_round_names(client, user, staff_user):
    give_answers(user, 60)
    client.force_login(staff_user)
    page = client.get("/dashboard/cohort/").content.decode()
    text = _visible_text(page)
    assert "Hardest questions" in text
    assert not ROUND_IDS.search(text), ROUND_IDS.search(text)
    hardest = re.search(r"Hardest questions.*?</table>", page, flags=re.S).group(0)
    keys = set(Question.objects.values_list("key", flat=True))
    assert not any(f">{key}<" in hardest for key in keys)


@pytest.mark.django_db
def test_staff_question_list_names_skills_and_questions(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/questions/?round=llm_deep_dive").content.decode()
    question = Question.objects.filter(round="llm_deep_dive", status="published").order_by("id").first()
    skill = question.skills.order_by("slug").first()
    assert skill.name in page
    assert f"{skill.slug}," not in page and f">{skill.slug}<" not in page
    detail = client.get(f"/questions/{question.pk}/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", detail, flags=re.S).group(1)
    assert question.current_version.prompt[:40] in heading and question.key not in heading
