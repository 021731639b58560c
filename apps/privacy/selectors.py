"""A learner's data, all of it, as one JSON-ready document (GET /api/v1/me/export/)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from apps.dashboard.models import ReadinessSnapshot
from apps.interviews.models import Answer, Dispute, Interview, ReviewItem
from apps.portfolio.models import PortfolioProject
from apps.resumes.models import PostingComparison, Resume, ResumeSkill
from apps.roadmap.models import Enrollment, TopicProgress

# Internal columns a learner gains nothing from: vectors (derived numbers) and storage names; and the
# id of the staff member who resolved a dispute (someone else's account).
LEFT_OUT = {"embedding", "stored_name", "resolved_by_id"}


def _rows(queryset: QuerySet[Any], *extra: str) -> list[dict[str, Any]]:
    model: type[Model] = queryset.model
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in LEFT_OUT]
    return list(queryset.values(*fields, *extra))


def user_export(*, user: Any) -> dict[str, Any]:
    """Profile, email addresses, followed roadmaps and progress, portfolio, interviews with answers and
    grades, grade disputes, the review queue, resumes with their extracted text, skills and matches, the
    postings compared with them, and the readiness history."""
    from allauth.account.models import EmailAddress

    interviews = Interview.objects.filter(user=user).order_by("started_at")
    answers = Answer.objects.filter(interview__user=user).order_by("interview_id", "order")
    by_interview: dict[int, list[dict[str, Any]]] = {}
    for answer in _rows(answers):
        by_interview.setdefault(answer["interview_id"], []).append(answer)
    resumes = Resume.objects.filter(user=user).order_by("created_at")
    project_skills = _portfolio_skills(user)
    skills: dict[int, list[dict[str, Any]]] = {}
    for row in _rows(ResumeSkill.objects.filter(resume__user=user), "skill__slug"):
        skills.setdefault(row["resume_id"], []).append(row)
    return {
        "exported_at": timezone.now(),
        "profile": {
            "id": user.pk, "email": user.email, "display_name": user.display_name, "is_staff": user.is_staff,
            "target_role": user.target_role_id, "hours_per_week": user.hours_per_week,
            "date_joined": user.date_joined, "last_login": user.last_login,
        },
        "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        "enrollments": _rows(Enrollment.objects.filter(user=user).order_by("created_at"), "track__title"),
        "progress": _rows(TopicProgress.objects.filter(user=user).order_by("topic_id"), "topic__title"),
        "portfolio": [{**row, "skills": sorted(project_skills.get(row["id"], []))}
                      for row in _rows(PortfolioProject.objects.filter(user=user).order_by("created_at"))],
        "interviews": [{**row, "answers": by_interview.get(row["id"], [])} for row in _rows(interviews)],
        "grade_disputes": _rows(Dispute.objects.filter(user=user).order_by("created_at", "id")),
        "review_items": _rows(ReviewItem.objects.filter(user=user).order_by("created_at", "id"),
                              "question_version__prompt"),
        "resumes": [{**row, "skills": skills.get(row["id"], [])} for row in _rows(resumes)],
        "posting_comparisons": _rows(PostingComparison.objects.filter(user=user).order_by("created_at", "id")),
        "readiness_history": _rows(ReadinessSnapshot.objects.filter(user=user).order_by("date", "role_id")),
    }


def _portfolio_skills(user: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    through = PortfolioProject.skills.through.objects.filter(portfolioproject__user=user)
    for project_id, slug in through.values_list("portfolioproject_id", "skill__slug"):
        out.setdefault(project_id, []).append(slug)
    return out
