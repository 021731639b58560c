from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("target-role/<int:role_id>/", views.target_role_set, name="target_role_set"),
]
