from django.db.models import QuerySet

from apps.accounts.models import User
from apps.portfolio.models import PortfolioProject


def projects_for(*, user: User, status: str | None = None) -> QuerySet[PortfolioProject]:
    queryset = PortfolioProject.objects.filter(user=user).select_related("template").prefetch_related("skills")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-updated_at")
