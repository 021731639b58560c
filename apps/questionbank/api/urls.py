from django.urls import path

from apps.questionbank.api import editor_views, views

urlpatterns = [
    path("questions/", views.QuestionListApi.as_view(), name="api-questions"),
    path("questions/import/", views.QuestionImportApi.as_view(), name="api-questions-import"),
    path("questions/export/", views.QuestionExportApi.as_view(), name="api-questions-export"),
    path("questions/status/", views.QuestionStatusApi.as_view(), name="api-questions-status"),
    path("questions/similar-check/", editor_views.QuestionPromptCheckApi.as_view(), name="api-questions-similar-check"),
    path("questions/drafts/", views.QuestionDraftsApi.as_view(), name="api-questions-drafts"),
    path("questions/<int:pk>/", views.QuestionDetailApi.as_view(), name="api-question"),
    path("questions/<int:pk>/similar/", views.QuestionSimilarApi.as_view(), name="api-question-similar"),
    path("questions/<int:pk>/try/", views.QuestionTryApi.as_view(), name="api-question-try"),
    path("questions/<int:pk>/versions/", views.QuestionVersionsApi.as_view(), name="api-question-versions"),
    path("questions/<int:pk>/versions/<int:number>/restore/", editor_views.QuestionVersionRestoreApi.as_view(),
         name="api-question-version-restore"),
]
