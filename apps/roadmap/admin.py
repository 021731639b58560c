from django.contrib import admin

from apps.roadmap.models import ProjectTemplate, Resource, Skill, SkillCategory, Stage, Topic, Track


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category"]
    list_filter = ["category"]
    search_fields = ["name", "slug"]


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "key", "title", "kind", "group", "duration_weeks"]
    show_change_link = True


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "stage_kind", "duration_weeks", "source"]
    search_fields = ["title", "slug"]
    inlines = [StageInline]


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0
    fields = ["order", "key", "title", "estimated_hours"]
    show_change_link = True


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["title", "track", "order", "kind", "duration_weeks"]
    list_filter = ["track", "kind"]
    search_fields = ["title"]
    inlines = [TopicInline]


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "order"]
    list_filter = ["stage__track"]
    search_fields = ["title"]
    filter_horizontal = ["skills"]
    inlines = [ResourceInline]
    list_select_related = ["stage__track"]


@admin.register(ProjectTemplate)
class ProjectTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "track"]
    list_filter = ["level", "track"]
    search_fields = ["title", "description"]
    filter_horizontal = ["skills"]
