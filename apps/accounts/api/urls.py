from django.urls import path

from apps.accounts.api import views

# /me/ is served by apps.privacy.api (it adds DELETE, which erases data of every app).

urlpatterns = [
    path("auth/register/", views.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", views.TokenApi.as_view(), name="api-token"),
    path("auth/logout/", views.TokenRevokeApi.as_view(), name="api-logout"),
    path("auth/logout-all/", views.TokenRevokeAllApi.as_view(), name="api-logout-all"),
]
