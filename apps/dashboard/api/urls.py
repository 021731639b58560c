from django.urls import path

from apps.dashboard.api import views

urlpatterns = [
    path("readiness/", views.ReadinessApi.as_view(), name="api-readiness"),
    path("progress/", views.ProgressApi.as_view(), name="api-progress"),
]
