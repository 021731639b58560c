from django.contrib import admin

from apps.portfolio.models import PortfolioProject


@admin.register(PortfolioProject)
class PortfolioProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "status", "template", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user", "template"]
    filter_horizontal = ["skills"]
