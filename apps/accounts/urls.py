from django.urls import path

from apps.accounts import views

urlpatterns = [path("profile/", views.profile, name="profile")]
