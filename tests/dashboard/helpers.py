"""Builds learner history directly (bulk) so dashboards can be tested and measured at any size."""

import random
from datetime import timedelta

from django.utils import timezone

from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question


def give_answers(user, count: int, *, rounds: tuple[str, ...] | None = None, seed: int = 7) -> None:
    rng = random.Random(seed)
    questions = list(
        Question.objects.filter(status="published", **({"round__in": rounds} if rounds else {}))
        .select_related("current_version").order_by("id")
    )
    now = timezone.now()
    made = 0
    while made < count:
        batch = questions[: min(10, count - made)]
        rng.shuffle(questions)
        interview = Interview.objects.create(
            user=user, round=batch[0].round, rounds=[q.round for q in batch], num_questions=len(batch),
            status=Interview.Status.FINISHED, finished_at=now,
        )
        Answer.objects.bulk_create([
            Answer(
                interview=interview, question_version=q.current_version, prompt=q.current_version.prompt,
                text="An answer.", order=i, grading_status=Answer.GradingStatus.GRADED, score=rng.randint(30, 95),
                graded_at=now, grader="rubric",
            )
            for i, q in enumerate(batch)
        ])
        Answer.objects.filter(interview=interview).update(created_at=now - timedelta(days=rng.randint(0, 40)))
        made += len(batch)
