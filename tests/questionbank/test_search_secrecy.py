"""A learner's ?q= search covers the prompt only; the key and the rubric stay secret. Staff search everything."""

import pytest

from tests.questionbank.conftest import make_question

pytestmark = pytest.mark.django_db

SECRETS = {
    "key": "sd-zyxminhashshingles",
    "key point": "Jaccardquux",
    "reference answer": "Bloomwobble",
    "follow-up hint": "thresholdfrob",
}


@pytest.fixture
def secret_question(db):
    return make_question(
        key=SECRETS["key"],
        prompt="How would you find near-identical support tickets among ten million?",
        key_points=[{"text": f"Use {SECRETS['key point']} similarity over shingles", "weight": 3}],
        reference_answer=f"Shingle, then {SECRETS['reference answer']}.",
        follow_up_hints=[f"How do you choose the {SECRETS['follow-up hint']}?"],
    )


def _found(client, term: str) -> list[int]:
    response = client.get("/api/v1/questions/", {"q": term})
    assert response.status_code == 200
    return [q["id"] for q in response.json()["results"]]


@pytest.mark.parametrize("part", list(SECRETS))
def test_learner_search_does_not_match_the_hidden_key_or_rubric(api, secret_question, part):
    assert _found(api, SECRETS[part]) == []


@pytest.mark.parametrize("part", list(SECRETS))
def test_staff_search_matches_the_key_and_every_part_of_the_rubric(staff_api, secret_question, part):
    assert _found(staff_api, SECRETS[part]) == [secret_question.pk]


def test_learner_search_finds_words_of_the_prompt(api, secret_question):
    assert _found(api, "near-identical SUPPORT tickets") == [secret_question.pk]
