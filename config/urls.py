from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core import views as core_views
from apps.dashboard import role_views
from apps.dashboard.home import home
from apps.roadmap import urls as roadmap_urls

urlpatterns = [
    path("", home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("apps.ops.urls")),
    path("admin/login/", core_views.admin_login),  # before the admin: learners get the 403 page
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/data/", include("apps.privacy.urls")),
    path("roadmaps/", include((role_views.urlpatterns + roadmap_urls.urlpatterns, "roadmap"))),
    path("portfolio/", include("apps.portfolio.urls")),
    path("roles/", include("apps.careers.urls")),
    path("questions/", include("apps.questionbank.urls")),
    path("interviews/", include("apps.interviews.urls")),
    path("resumes/", include("apps.resumes.urls")),
    path("dashboard/", include("apps.dashboard.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
]

handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
