from django.urls import path

from apps.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.learner_dashboard, name="learner"),
    path("cohort/", views.admin_dashboard, name="admin"),
]
