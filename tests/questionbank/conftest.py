"""Helpers for question bank tests: questions made through the services, answers that refer to them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from apps.questionbank import services
from apps.questionbank.models import Question, QuestionVersion

BANK_KEY = "mlf-bias-variance"


def make_question(*, user=None, **overrides: Any) -> Question:
    fields: dict[str, Any] = {
        "prompt": "Describe how you would deduplicate near-identical support tickets at scale.",
        "round": "system_design",
        "difficulty": 2,
        "skills": ["vector-databases"],
        "key_points": [
            {"text": "Embed each ticket and compare vectors with cosine similarity", "weight": 3},
            {"text": "Use an approximate nearest neighbour index such as HNSW to avoid comparing all pairs", "weight": 2},
            {"text": "Pick the similarity threshold from a labelled sample of duplicate pairs", "weight": 1,
             "follow_up": "How would you choose the threshold?"},
        ],
        "reference_answer": "Embed, index with **HNSW**, threshold tuned on labelled pairs.",
        "status": Question.Status.PUBLISHED,
    }
    fields.update(overrides)
    return services.question_create(user=user, embed=False, **fields)


def make_answer(version: QuestionVersion, user, *, score: int | None = None, flags: list[str] | None = None,
                injection: bool = False, parent=None, order: int | None = None):
    """An interview answer graded against `version` (the interviews app's models, written directly)."""
    from apps.interviews.models import Answer, Interview

    interview = parent.interview if parent else Interview.objects.create(user=user, round=version.question.round)
    graded = score is not None
    return Answer.objects.create(
        interview=interview, question_version=version, parent=parent, prompt=version.prompt, text="An answer.",
        order=order if order is not None else (2 if parent else 1),
        grading_status=Answer.GradingStatus.GRADED if graded else Answer.GradingStatus.PENDING,
        score=score, graded_at=timezone.now() if graded else None, flags=flags or [], injection_suspected=injection,
    )


@pytest.fixture
def bank_question(db) -> Question:
    return Question.objects.select_related("current_version").get(key=BANK_KEY)


@pytest.fixture
def draft_question(db, staff_user) -> Question:
    return make_question(user=staff_user, status=Question.Status.DRAFT,
                         prompt="A draft question about a sharded rate limiter nobody has seen yet.")
