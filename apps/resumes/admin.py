from django.contrib import admin

from apps.resumes.models import Resume, ResumeSkill


class ResumeSkillInline(admin.TabularInline):
    model = ResumeSkill
    extra = 0
    fields = ["skill", "mentions", "sections", "evidence"]
    readonly_fields = fields
    can_delete = False


@admin.register(Resume)
class ResumeAdmin(admin.ModelAdmin):
    """Read-only support view: staff can see processing state, not edit a learner's resume."""

    list_display = ["filename", "user", "kind", "status", "step", "years_experience", "created_at"]
    list_filter = ["status", "step", "kind"]
    search_fields = ["filename", "user__email"]
    readonly_fields = ["user", "filename", "stored_name", "kind", "size_bytes", "sha256", "status", "step", "error",
                       "years_experience", "has_experience", "flagged_lines", "top_matches", "created_at",
                       "processed_at"]
    exclude = ["text", "sections"]
    inlines = [ResumeSkillInline]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def delete_model(self, request, obj: Resume) -> None:  # type: ignore[no-untyped-def]
        from apps.resumes.services import resume_delete

        resume_delete(resume=obj)  # the stored file and the interview questions written from it too

    def delete_queryset(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        for resume in queryset:
            self.delete_model(request, resume)
