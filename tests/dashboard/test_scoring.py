"""The readiness formula on hand-computed cases (no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.dashboard.scoring import AnswerScore, ReadinessInputs, compute, recency_weighted_mean, round_means

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def inputs(**overrides) -> ReadinessInputs:
    base = {
        "skill_weights": {"rag": 3, "python": 1},
        "rounds": ("coding", "llm_deep_dive"),
        "coverage": {},
        "project_evidence": {},
        "resume_fit": None,
    }
    answers = overrides.pop("answers", ())
    return ReadinessInputs(**{**base, **overrides}, round_means=round_means(answers), answer_count=len(answers))


def test_a_learner_with_nothing_done_scores_zero_with_reasons():
    result = compute(inputs())
    assert result.score == 0
    assert {name: c.score for name, c in result.components.items()} == {"roadmap": 0, "projects": 0, "interviews": 0, "resume": 0}
    assert "0 of 2" in result.components["roadmap"].why
    assert "practised 0 of 2 rounds" in result.components["interviews"].why
    assert result.components["resume"].why == "no processed resume yet"


def test_hand_computed_mix_of_components():
    # roadmap: (3*1.0 + 1*0.5) / 4 = 0.875 → 87.5 → 88
    # projects: (3*0 + 1*1.0) / 4 = 0.25 → 25
    # interviews: coding answered 80 today, llm_deep_dive never → (80 + 0) / 2 = 40
    # resume: 60
    # total: 0.35*88 + 0.20*25 + 0.30*40 + 0.15*60 = 30.8 + 5 + 12 + 9 = 56.8 → 57
    result = compute(inputs(
        coverage={"rag": 1.0, "python": 0.5}, project_evidence={"python": 1.0},
        answers=(AnswerScore("coding", 80, NOW),), resume_fit=60,
    ))
    assert {name: c.score for name, c in result.components.items()} == {"roadmap": 88, "projects": 25, "interviews": 40, "resume": 60}
    assert result.score == 57


def test_everything_perfect_scores_one_hundred():
    result = compute(inputs(
        coverage={"rag": 1.0, "python": 1.0}, project_evidence={"rag": 1.0, "python": 1.0},
        answers=(AnswerScore("coding", 100, NOW), AnswerScore("llm_deep_dive", 100, NOW)), resume_fit=100,
    ))
    assert result.score == 100


def test_recent_answers_weigh_more_with_a_fourteen_day_half_life():
    old = AnswerScore("coding", 20, NOW - timedelta(days=14))  # weight 0.5
    new = AnswerScore("coding", 80, NOW)  # weight 1.0
    # (0.5*20 + 1.0*80) / 1.5 = 60
    assert recency_weighted_mean([old, new], NOW) == pytest.approx(60.0)
    assert recency_weighted_mean([], NOW) is None


def test_a_rounds_mean_does_not_change_as_time_passes_so_it_can_be_stored():
    answers = [AnswerScore("coding", 20, NOW - timedelta(days=30)), AnswerScore("coding", 90, NOW - timedelta(days=3)),
               AnswerScore("system_design", 55, NOW - timedelta(days=1))]
    stored = round_means(answers)
    for later in (NOW, NOW + timedelta(days=10), NOW + timedelta(days=400)):
        assert stored["coding"] == pytest.approx(recency_weighted_mean(answers[:2], later))
    assert stored["system_design"] == 55
    assert round_means([]) == {}


def test_answers_in_rounds_the_role_does_not_use_do_not_count():
    result = compute(inputs(answers=(AnswerScore("system_design", 100, NOW),)))
    assert result.components["interviews"].score == 0


def test_coverage_above_one_is_capped():
    result = compute(inputs(coverage={"rag": 3.0, "python": 1.0}))
    assert result.components["roadmap"].score == 100


def test_the_weakest_skills_are_named_as_people_read_them():
    why = compute(inputs(coverage={"python": 1.0}, skill_names={"rag": "Retrieval-augmented generation (RAG)",
                                                                 "python": "Python"})).components["roadmap"].why
    assert "weakest: Retrieval-augmented generation (RAG), Python" in why and "rag," not in why
