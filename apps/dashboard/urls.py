from django.urls import path

from apps.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.learner_dashboard, name="learner"),
    path("target-role/", views.set_target_role, name="set_target_role"),
    path("cohort/", views.admin_dashboard, name="admin"),
]
