"""Builds learner history directly (bulk) so dashboards can be tested and measured at any size."""

import random
from datetime import timedelta

from django.utils import timezone

from apps.dashboard import learner_state
from apps.interviews.models import Answer, Interview
from apps.questionbank.models import Question


def give_answers(user, count: int, *, rounds: tuple[str, ...] | None = None, seed: int = 7) -> None:
    """`count` graded answers, in bulk. Bulk writes send no model signals, so the learner's readiness
    state is refreshed here, as `seed_demo` does."""
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
    learner_state.refresh(user_id=user.pk, parts={learner_state.ANSWERS})


def give_history(user, size: int) -> None:
    """A learner's history of about `size` items of each kind: answers, topic progress, projects."""
    from apps.portfolio.services import project_create
    from apps.roadmap.models import Skill, Topic
    from apps.roadmap.services import topic_progress_set

    give_answers(user, size)
    for i, topic in enumerate(Topic.objects.order_by("id")[: min(size, 150)]):
        topic_progress_set(user=user, topic=topic, status="done" if i % 3 else "in_progress")
    skills = list(Skill.objects.order_by("id")[:5])
    for i in range(min(size, 40)):
        project_create(user=user, title=f"Project {i}", status="done" if i % 2 else "in_progress", skills=skills)
    learner_state.refresh(user_id=user.pk)


def grow_catalog(extra: int) -> None:
    """`extra` more topics (each teaching skills), roles (each with weighted skills) and project templates."""
    from apps.careers.models import JobRole, RoleSkill
    from apps.roadmap.models import ProjectTemplate, Skill, Stage, Topic, Track

    if not extra:
        return
    skills = list(Skill.objects.order_by("id")[:10])
    track = Track.objects.create(slug="extra-track", title="Extra track", order=99)
    stage = Stage.objects.create(track=track, key="extra", title="Extra stage")
    topics = Topic.objects.bulk_create([Topic(stage=stage, key=f"t{i}", order=i, title=f"Extra topic {i}") for i in range(extra)])
    Topic.skills.through.objects.bulk_create([
        Topic.skills.through(topic_id=t.pk, skill_id=skills[i % len(skills)].pk) for i, t in enumerate(topics)
    ])
    roles = JobRole.objects.bulk_create([JobRole(slug=f"extra-role-{i}", title=f"Extra role {i}", description="x")
                                         for i in range(extra)])
    RoleSkill.objects.bulk_create([RoleSkill(role=r, skill=s, weight=2) for r in roles for s in skills[:3]])
    templates = ProjectTemplate.objects.bulk_create([ProjectTemplate(key=f"extra-{i}", title=f"Extra project {i}")
                                                     for i in range(extra)])
    ProjectTemplate.skills.through.objects.bulk_create([
        ProjectTemplate.skills.through(projecttemplate_id=t.pk, skill_id=skills[0].pk) for t in templates
    ])
    from apps.dashboard import catalog

    catalog.bump()  # bulk writes send no signals
