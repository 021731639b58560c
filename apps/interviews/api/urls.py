from django.urls import path

from apps.interviews.api import views

urlpatterns = [
    path("interviews/", views.InterviewListApi.as_view(), name="api-interviews"),
    path("interviews/<int:interview_id>/", views.InterviewDetailApi.as_view(), name="api-interview-detail"),
    path("interviews/<int:interview_id>/answers/", views.AnswerSubmitApi.as_view(), name="api-interview-answers"),
    path("interviews/<int:interview_id>/finish/", views.InterviewFinishApi.as_view(), name="api-interview-finish"),
    path("answers/<int:answer_id>/", views.AnswerDetailApi.as_view(), name="api-answer-detail"),
]
