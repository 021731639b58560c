from django.urls import path

from apps.ops import views

urlpatterns = [
    path("ops/health/", views.health_page, name="ops-health"),
    path("metrics", views.metrics, name="metrics"),
]
