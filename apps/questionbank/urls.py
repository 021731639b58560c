from django.urls import path

from apps.questionbank import views

app_name = "questionbank"
urlpatterns = [
    path("", views.question_list, name="list"),
    path("new/", views.question_create, name="create"),
    path("bulk/", views.question_bulk_status, name="bulk"),
    path("duplicates/", views.prompt_duplicates, name="duplicates"),
    path("preview/", views.markdown_preview, name="preview"),
    path("import/", views.question_import, name="import"),
    path("skills/", views.skill_list, name="skills"),
    path("drafts/", views.draft_queue, name="drafts"),
    path("grading-quality/", views.grading_quality, name="grading_quality"),
    path("<int:pk>/", views.question_detail, name="detail"),
    path("<int:pk>/edit/", views.question_edit, name="edit"),
    path("<int:pk>/history/", views.question_history, name="history"),
    path("<int:pk>/history/<int:number>/restore/", views.question_restore, name="restore"),
    path("<int:pk>/try/", views.question_try, name="try"),
    path("<int:pk>/delete/", views.question_delete, name="delete"),
]
