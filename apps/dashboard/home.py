"""The signed-in home page: a summary of the learner's target role, tracks, topics and projects."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.models import User
from apps.portfolio.models import PortfolioProject
from apps.roadmap.models import Enrollment, TopicProgress


@dataclass(frozen=True)
class HomeSummary:
    target_role: str | None
    enrollments: int
    topics_done: int
    projects: int


def home_summary_for(*, user: User) -> HomeSummary:
    return HomeSummary(
        target_role=user.target_role.title if user.target_role_id else None,
        enrollments=Enrollment.objects.filter(user=user).count(),
        topics_done=TopicProgress.objects.filter(user=user, status=TopicProgress.Status.DONE).count(),
        projects=PortfolioProject.objects.filter(user=user).count(),
    )


def home(request: HttpRequest) -> HttpResponse:
    """`/`: the landing page for visitors, the learner's summary once signed in."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "dashboard/home.html", {"summary": home_summary_for(user=request.user)})
