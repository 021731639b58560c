"""The loaded question bank (data/questions/*.yaml): counts per round, skills, rubric shape.

Counts are checked against the seed files themselves, plus the minimums the product needs.
"""

from collections import Counter

import pytest

from apps.careers.models import InterviewRound
from apps.catalog.loader import DATA_DIR, read_yaml
from apps.questionbank.models import Question
from apps.roadmap.models import Skill, SkillCategory

pytestmark = pytest.mark.django_db

MINIMUM_PUBLISHED = {
    "coding": 20, "ml_fundamentals": 30, "llm_deep_dive": 45, "system_design": 25, "behavioral": 20,
}
MINIMUM_TOTAL = 150


def seed_questions() -> list[dict]:
    return [item for path in sorted((DATA_DIR / "questions").glob("*.yaml"))
            for item in read_yaml(path).get("questions", [])]


def test_every_round_has_a_seed_file_of_its_own_questions():
    for path in sorted((DATA_DIR / "questions").glob("*.yaml")):
        rounds = {item["round"] for item in read_yaml(path)["questions"]}
        assert rounds == {path.stem}, (path.name, rounds)
    assert {p.stem for p in (DATA_DIR / "questions").glob("*.yaml")} == set(InterviewRound.values)


def test_the_database_holds_every_seed_question():
    seeds = seed_questions()
    keys = [item["key"] for item in seeds]
    assert len(keys) == len(set(keys)), [k for k, n in Counter(keys).items() if n > 1]
    loaded = dict(Question.objects.filter(key__in=keys).values_list("key", "round"))
    assert loaded == {item["key"]: item["round"] for item in seeds}


@pytest.mark.parametrize(("round_", "minimum"), MINIMUM_PUBLISHED.items())
def test_enough_published_questions_per_round(round_, minimum):
    published = Question.objects.filter(round=round_, status=Question.Status.PUBLISHED).count()
    assert published >= minimum, f"{round_}: {published} published, need {minimum}"


def test_enough_published_questions_in_total():
    assert Question.objects.filter(status=Question.Status.PUBLISHED).count() >= MINIMUM_TOTAL


def test_every_question_skill_exists():
    known = set(Skill.objects.values_list("slug", flat=True))
    unknown = {(item["key"], slug) for item in seed_questions() for slug in item.get("skills") or [] if slug not in known}
    assert not unknown
    assert all(item.get("skills") for item in seed_questions()), "every question names at least one skill"


def test_every_skill_category_the_roadmaps_teach_has_at_least_one_question():
    """The bank interviews on what the roadmaps teach; the market-wide categories (frontend, mobile, ...)
    exist for resume and posting matching and have no roadmap, so no questions yet."""
    covered = set(Question.objects.filter(status=Question.Status.PUBLISHED)
                  .values_list("skills__category__slug", flat=True))
    taught = set(SkillCategory.objects.filter(skills__topics__isnull=False).values_list("slug", flat=True))
    assert len(taught) >= 10
    missing = taught - covered
    assert not missing, f"skill categories without a question: {sorted(missing)}"


def test_every_question_has_3_to_6_weighted_key_points_and_a_reference_answer():
    problems = []
    for question in Question.objects.select_related("current_version").filter(key__in=[i["key"] for i in seed_questions()]):
        version = question.current_version
        points = version.key_points
        if not 3 <= len(points) <= 6:
            problems.append(f"{question.key}: {len(points)} key points")
        if any(not 1 <= kp["weight"] <= 3 or not kp["text"].strip() for kp in points):
            problems.append(f"{question.key}: a key point without text or with a weight outside 1-3")
        if not version.reference_answer.strip():
            problems.append(f"{question.key}: no reference answer")
        if not 1 <= question.difficulty <= 3:
            problems.append(f"{question.key}: difficulty {question.difficulty}")
    assert not problems, problems


def test_every_bank_question_has_an_embedding_for_near_duplicate_search():
    assert not Question.objects.filter(current_version__isnull=False, embedding__isnull=True).exists()
