from django.urls import path

from apps.roadmap.api import views

urlpatterns = [
    path("tracks/", views.TrackListApi.as_view(), name="api-tracks"),
    path("tracks/<slug:slug>/", views.TrackDetailApi.as_view(), name="api-track"),
    path("tracks/<slug:slug>/enrollment/", views.EnrollmentApi.as_view(), name="api-enrollment"),
    path("skills/", views.SkillListApi.as_view(), name="api-skills"),
    path("progress/topics/<int:topic_id>/", views.TopicProgressApi.as_view(), name="api-topic-progress"),
    path("projects/", views.ProjectTemplateListApi.as_view(), name="api-projects"),
]
