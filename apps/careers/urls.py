from django.urls import path

from apps.careers import views

app_name = "careers"
urlpatterns = [
    path("", views.role_list, name="roles"),
    path("<int:role_id>/", views.role_detail, name="role"),
    path("postings/new/", views.posting_new, name="posting_new"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
    path("free-terms/", views.free_terms, name="free_terms"),
]
