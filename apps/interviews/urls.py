from django.urls import path

from apps.interviews import dispute_views, posting_interview, review_views, views

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
    path("answers/<int:answer_id>/dispute/", dispute_views.dispute_create, name="dispute_create"),
    path("disputes/", dispute_views.dispute_list, name="disputes"),
    path("disputes/staff/", dispute_views.staff_dispute_questions, name="staff_disputes"),
    path("disputes/staff/export.yaml", dispute_views.staff_disputes_export, name="staff_disputes_export"),
    path("disputes/staff/questions/<int:question_id>/", dispute_views.staff_question_disputes,
         name="staff_question_disputes"),
    path("disputes/staff/<int:dispute_id>/resolve/", dispute_views.staff_dispute_resolve, name="staff_dispute_resolve"),
    path("from-posting/<int:comparison_id>/", posting_interview.comparison_interview, name="from_posting"),
    path("review/", review_views.review_page, name="review"),
    path("review/<int:item_id>/answer/", review_views.review_answer, name="review_answer"),
    path("review/attempts/<int:attempt_id>/", review_views.review_attempt_status, name="review_attempt"),
]
