from django.urls import path

from apps.resumes.api import views

urlpatterns = [
    path("resumes/", views.ResumeListCreateApi.as_view(), name="api-resumes"),
    path("resumes/<int:resume_id>/", views.ResumeDetailApi.as_view(), name="api-resume"),
    path("resumes/<int:resume_id>/matches/", views.ResumeMatchesApi.as_view(), name="api-resume-matches"),
    path("resumes/<int:resume_id>/compare/", views.ResumeCompareApi.as_view(), name="api-resume-compare"),
    path("resumes/<int:resume_id>/companies/", views.ResumeCompaniesApi.as_view(), name="api-resume-companies"),
]
