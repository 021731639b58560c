from django.contrib import admin

from apps.careers.models import Company, InterviewFlow, InterviewFlowStep, JobRole, RoleSkill


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    extra = 1
    autocomplete_fields = ["skill"]


@admin.register(JobRole)
class JobRoleAdmin(admin.ModelAdmin):
    list_display = ["title", "family", "seniority", "company", "is_posting", "salary_min", "salary_max", "salary_currency"]
    list_filter = ["family", "seniority", "is_posting"]
    search_fields = ["title", "description", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["company", "hiring_companies"]
    inlines = [RoleSkillInline]
    exclude = ["embedding", "embedded_text_hash"]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        from apps.careers.services import role_embedding_refresh_later, role_match_vectors_refresh

        role_match_vectors_refresh(role_ids=[form.instance.pk])  # new skills count at once; the text follows
        role_embedding_refresh_later(role_id=form.instance.pk)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "region"]
    list_filter = ["category", "region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class InterviewFlowStepInline(admin.TabularInline):
    model = InterviewFlowStep
    extra = 1


@admin.register(InterviewFlow)
class InterviewFlowAdmin(admin.ModelAdmin):
    list_display = ["title", "source"]
    inlines = [InterviewFlowStepInline]
