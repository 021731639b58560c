from django.urls import path

from apps.privacy import views

app_name = "privacy"
urlpatterns = [
    path("export/", views.export, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
