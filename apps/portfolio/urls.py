from django.urls import path

from apps.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("catalog/", views.catalog, name="catalog"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/delete/", views.project_delete, name="delete"),
    path("u/<int:user_id>/", views.public_portfolio, name="public"),
]
