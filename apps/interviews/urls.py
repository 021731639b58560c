from django.urls import path

from apps.interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.interview_list, name="list"),
    path("new/", views.interview_start, name="start"),
    path("topics/<int:topic_id>/check/", views.topic_check, name="topic_check"),
    path("<int:interview_id>/", views.interview_detail, name="detail"),
    path("<int:interview_id>/current/", views.interview_current, name="current"),
    path("<int:interview_id>/answer/", views.answer_submit, name="answer"),
    path("<int:interview_id>/finish/", views.interview_finish, name="finish"),
    path("<int:interview_id>/report/", views.interview_report, name="report"),
    path("answers/<int:answer_id>/", views.answer_status, name="answer_status"),
]
