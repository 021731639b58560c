from django.urls import path

from apps.dashboard.api import views

urlpatterns = [path("readiness/", views.ReadinessApi.as_view(), name="api-readiness")]
