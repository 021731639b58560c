from django.urls import path

from apps.resumes import views, views_compare

app_name = "resumes"
urlpatterns = [
    path("", views.resume_list, name="list"),
    path("<int:resume_id>/", views.resume_detail, name="detail"),
    path("<int:resume_id>/status/", views.resume_status, name="status"),
    path("<int:resume_id>/delete/", views.resume_delete, name="delete"),
    path("compare/", views_compare.compare_new, name="compare"),
    path("comparisons/<int:comparison_id>/", views_compare.comparison_detail, name="comparison"),
]
