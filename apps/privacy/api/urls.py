from django.urls import path

from apps.privacy.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("me/export/", views.MeExportApi.as_view(), name="api-me-export"),
]
