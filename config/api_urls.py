"""/api/v1/: one include per app; each app's api/urls.py holds its rows of shared/API.md."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.roadmap.api.urls")),
    path("", include("apps.portfolio.api.urls")),
    path("", include("apps.careers.api.urls")),
    path("", include("apps.questionbank.api.urls")),
    path("", include("apps.interviews.api.urls")),
    path("", include("apps.resumes.api.urls")),
    path("", include("apps.dashboard.api.urls")),
    path("", include("apps.privacy.api.urls")),
]
