"""Demo learners with realistic history so the dashboards can be seen and measured."""

import random
import time
from datetime import timedelta
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from apps.accounts.models import User
from apps.careers.models import JobRole
from apps.dashboard import catalog as catalog_maps
from apps.dashboard import learner_state, selectors
from apps.dashboard.models import LearnerState, ReadinessSnapshot
from apps.interviews.models import Answer, Interview
from apps.portfolio.models import PortfolioProject
from apps.questionbank.models import Question
from apps.roadmap.models import Enrollment, ProjectTemplate, Topic, TopicProgress, Track

DOMAIN = "demo.example.com"
PASSWORD = "demo-learner-pass"  # noqa: S105 - documented demo credential, demo accounts only
BATCH = 500  # learners per transaction
T = TypeVar("T")


def _present(value: T | None, what: str) -> T:
    """`value`, which the demo data always sets (the column is nullable, so the type says it may be None)."""
    if value is None:
        raise CommandError(f"Demo data without {what}.")
    return value


class Command(BaseCommand):
    help = f"Create demo learners (<n>@{DOMAIN}, password '{PASSWORD}') with progress, projects, interviews and resumes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, default=30)
        parser.add_argument("--resumes", type=int, default=5, help="How many learners also get a processed resume.")
        parser.add_argument("--reset", action="store_true", help="Delete existing demo learners first.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: object, learners: int, resumes: int, reset: bool, seed: int, **options: object) -> None:
        started = time.perf_counter()
        rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
        if reset:
            deleted = User.objects.filter(email__endswith=f"@{DOMAIN}").delete()[0]
            self.stdout.write(f"Deleted {deleted} demo rows.")
        existing = set(User.objects.filter(email__endswith=f"@{DOMAIN}").values_list("email", flat=True))
        emails = [f"learner{i:04d}@{DOMAIN}" for i in range(1, learners + 1)]
        new_emails = [e for e in emails if e not in existing]
        if not new_emails:
            self.stdout.write("Demo learners already exist (use --reset to recreate).")
            return
        catalog = _Catalog.load()
        if not catalog.roles or not catalog.questions:
            self.stderr.write("Load the catalog first: manage.py load_catalog")
            return
        template = User(email="x")
        template.set_password(PASSWORD)
        for start in range(0, len(new_emails), BATCH):
            with transaction.atomic():
                users = User.objects.bulk_create([
                    User(email=email, display_name=f"Demo {email.split('@')[0][7:]}", password=template.password,
                         target_role=rng.choice(catalog.roles), hours_per_week=rng.choice([5, 8, 10, 15, 20]))
                    for email in new_emails[start:start + BATCH]
                ])
                _histories(users, catalog, rng)
            self.stdout.write(f"  {min(start + BATCH, len(new_emails))}/{len(new_emails)} learners")
        made = _resumes(new_emails[:resumes], catalog, rng, self.stderr)
        self.stdout.write(self.style.SUCCESS(
            f"Created {len(new_emails)} demo learners ({made} with resumes) in {time.perf_counter() - started:.0f} s. "
            f"Sign in as {new_emails[0]} / {PASSWORD}"))


class _Catalog:
    roles: list[JobRole]
    tracks: list[Track]
    topics_by_track: dict[int, list[Topic]]
    questions: list[Question]
    templates: list[ProjectTemplate]

    @classmethod
    def load(cls) -> "_Catalog":
        self = cls()
        self.roles = list(JobRole.objects.filter(is_posting=False))
        self.tracks = list(Track.objects.all())
        self.topics_by_track = {t.id: list(Topic.objects.filter(stage__track=t).order_by("stage__order", "order")) for t in self.tracks}
        self.questions = list(Question.objects.filter(status="published").select_related("current_version"))
        self.templates = list(ProjectTemplate.objects.prefetch_related("skills"))
        return self


def _histories(users: list[User], catalog: _Catalog, rng: random.Random) -> None:
    """Progress, projects, interviews and 30 days of readiness for a batch of learners, in bulk."""
    now = timezone.now()
    today = timezone.localdate()
    enrollments, progress, projects, interviews, answers = [], [], [], [], []
    for user in users:
        diligence = rng.random()  # how far along this learner is
        for track in rng.sample(catalog.tracks, k=rng.choice([1, 1, 2])):
            days_in = rng.randint(7, 120)
            enrollments.append(Enrollment(user=user, track=track, hours_per_week=user.hours_per_week,
                                          started_on=today - timedelta(days=days_in)))
            topics = catalog.topics_by_track[track.id]
            n_done = int(len(topics) * diligence * rng.uniform(0.3, 1.0))
            for i, topic in enumerate(topics[: n_done + 2]):
                done_at = now - timedelta(days=rng.randint(0, days_in), hours=rng.randint(0, 23))
                is_done = i < n_done
                progress.append(TopicProgress(
                    user=user, topic=topic, status="done" if is_done else "in_progress", confidence=rng.randint(2, 5),
                    started_at=done_at - timedelta(days=3), completed_at=done_at if is_done else None,
                    verified_at=done_at if is_done and rng.random() < 0.25 else None,
                ))
        for template in rng.sample(catalog.templates, k=rng.randint(0, 3)):
            status = rng.choice(["planned", "in_progress", "done", "done"])
            projects.append(PortfolioProject(
                user=user, template=template, title=template.title, summary=template.description, status=status,
                repo_url=f"https://github.com/demo/{template.key}",
                completed_at=now - timedelta(days=rng.randint(1, 60)) if status == "done" else None))
        for _ in range(rng.randint(0, 4)):
            rnd = rng.choice(_present(user.target_role, "a target role").interview_rounds or ["llm_deep_dive"])
            pool = [q for q in catalog.questions if q.round == rnd] or catalog.questions
            asked = rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
            when = now - timedelta(days=rng.randint(0, 45))
            scores = [max(5, min(98, int(rng.gauss(40 + 45 * diligence, 15)))) for _ in asked]
            interview = Interview(user=user, round=rnd, rounds=[rnd] * len(asked), num_questions=len(asked),
                                  status="finished", finished_at=when, score=round(sum(scores) / len(scores)))
            interviews.append(interview)
            answers.append([
                Answer(question_version=q.current_version,
                       prompt=_present(q.current_version, "a question version").prompt, text="(demo answer)",
                       order=i, grading_status="graded", score=score, graded_at=when, grader="demo",
                       feedback="Demo data.")
                for i, (q, score) in enumerate(zip(asked, scores, strict=True))
            ])
    Enrollment.objects.bulk_create(enrollments, ignore_conflicts=True)
    TopicProgress.objects.bulk_create(progress, ignore_conflicts=True, batch_size=5000)
    PortfolioProject.objects.bulk_create(projects)
    PortfolioProject.skills.through.objects.bulk_create([
        PortfolioProject.skills.through(portfolioproject_id=project.pk, skill_id=skill.pk)
        for project in projects for skill in _present(project.template, "a project template").skills.all()
    ], batch_size=5000)
    Interview.objects.bulk_create(interviews)
    for interview, group in zip(interviews, answers, strict=True):
        for answer in group:
            answer.interview = interview
    Answer.objects.bulk_create([answer for group in answers for answer in group], batch_size=5000)
    # started_at / created_at are auto_now_add: set them to when the interview happened (its finished_at).
    ids = [interview.pk for interview in interviews]
    Interview.objects.filter(pk__in=ids).update(started_at=F("finished_at"))
    Answer.objects.filter(interview_id__in=ids).update(
        created_at=Subquery(Interview.objects.filter(pk=OuterRef("interview_id")).values("finished_at")[:1]))

    # The readiness state (bulk writes send no signals), then thirty days of snapshots rising to today's score.
    learner_state.rebuild_many([user.pk for user in users])
    maps = catalog_maps.maps()
    states = {s.user_id: s for s in LearnerState.objects.filter(user__in=users)}
    snapshots = []
    for user in users:
        role = maps.roles[_present(user.target_role_id, "a target role")]
        score = selectors.readiness_from(state=states[user.pk], maps=maps, role=role, resume_fit=None).readiness.score
        snapshots += [ReadinessSnapshot(user=user, role_id=role.id, date=today - timedelta(days=d),
                                        score=max(0, round(score * (1 - d / 45))), components={})
                      for d in range(30, -1, -1)]
    ReadinessSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True, batch_size=5000)


RESUME_TEMPLATE = """{name}
Machine learning engineer

Summary
Engineer with {years} years of experience building NLP and LLM applications in Python.

Skills
Python, PyTorch, Hugging Face Transformers, {skills}, Docker, SQL

Experience
ML Engineer, Example Corp ({start} - present)
- Built a retrieval-augmented generation assistant over internal documents with FAISS and LangChain.
- Fine-tuned open models with LoRA adapters and evaluated them with an automatic benchmark suite.

Education
B.Tech in Computer Science
"""


def _resumes(emails: list[str], catalog: _Catalog, rng: random.Random, err) -> int:  # type: ignore[no-untyped-def]
    try:
        import io

        from apps.resumes.services import resume_process, resume_upload
    except ImportError:
        return 0
    made = 0
    for email in emails:
        user = User.objects.get(email=email)
        skills = ", ".join(s.name for s in rng.sample([rs.skill for rs in user.target_role.role_skills.select_related("skill")], k=3))
        text = RESUME_TEMPLATE.format(name=user.display_name, years=rng.randint(1, 6), skills=skills, start=2019 + rng.randint(0, 5))
        data = text.encode()
        try:
            result = resume_upload(user=user, file=io.BytesIO(data), filename="resume.txt", size=len(data))
            resume_process(resume_id=result.resume.pk)
            made += 1
        except Exception as exc:
            err.write(f"  resume for {email} skipped: {exc}")
    return made
