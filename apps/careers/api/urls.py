from django.urls import path

from apps.careers.api import views

urlpatterns = [
    path("companies/", views.CompanyListCreateApi.as_view(), name="api-companies"),
    path("roles/", views.RoleListCreateApi.as_view(), name="api-roles"),
    path("roles/<int:role_id>/", views.RoleDetailApi.as_view(), name="api-role"),
    path("free-terms/", views.FreeTermListApi.as_view(), name="api-free-terms"),
    path("free-terms/<int:term_id>/", views.FreeTermActionApi.as_view(), name="api-free-term"),
]
