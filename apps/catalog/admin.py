from django.contrib import admin

from apps.catalog.models import CatalogLoad


@admin.register(CatalogLoad)
class CatalogLoadAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "ok", "embeddings"]
    readonly_fields = ["started_at", "finished_at", "ok", "summary", "embeddings", "error"]
