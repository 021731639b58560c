from django.urls import path

from apps.portfolio.api import views

urlpatterns = [
    path("portfolio/", views.PortfolioListApi.as_view(), name="api-portfolio"),
    path("portfolio/<int:project_id>/", views.PortfolioDetailApi.as_view(), name="api-portfolio-detail"),
]
