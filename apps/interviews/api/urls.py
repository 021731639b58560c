from django.urls import path

from apps.interviews.api import disputes, review, views

urlpatterns = [
    path("interviews/", views.InterviewListApi.as_view(), name="api-interviews"),
    path("interviews/<int:interview_id>/", views.InterviewDetailApi.as_view(), name="api-interview-detail"),
    path("interviews/<int:interview_id>/answers/", views.AnswerSubmitApi.as_view(), name="api-interview-answers"),
    path("interviews/<int:interview_id>/finish/", views.InterviewFinishApi.as_view(), name="api-interview-finish"),
    path("answers/<int:answer_id>/", views.AnswerDetailApi.as_view(), name="api-answer-detail"),
    path("answers/<int:answer_id>/disputes/", disputes.AnswerDisputeCreateApi.as_view(), name="api-answer-disputes"),
    path("disputes/", disputes.DisputeListApi.as_view(), name="api-disputes"),
    path("disputes/<int:dispute_id>/", disputes.DisputeDetailApi.as_view(), name="api-dispute-detail"),
    path("reviews/due/", review.ReviewDueApi.as_view(), name="api-reviews-due"),
    path("reviews/<int:item_id>/answers/", review.ReviewAnswerApi.as_view(), name="api-review-answers"),
    path("review-attempts/<int:attempt_id>/", review.ReviewAttemptApi.as_view(), name="api-review-attempt"),
    path("staff/disputes/", disputes.StaffDisputeListApi.as_view(), name="api-staff-disputes"),
    path("staff/disputes/<int:dispute_id>/resolve/", disputes.StaffDisputeResolveApi.as_view(),
         name="api-staff-dispute-resolve"),
]
