from django.urls import path

from apps.roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("", views.track_list, name="tracks"),
    path("skills/", views.skill_coverage, name="skills"),
    path("topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path("topics/<int:topic_id>/status/", views.topic_status, name="topic_status"),
    path("<slug:slug>/", views.track_detail, name="track"),
    path("<slug:slug>/enroll/", views.track_enroll, name="enroll"),
]
