from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.questionbank import services
from apps.questionbank.models import Question, QuestionDraftJob, QuestionVersion


class QuestionVersionInline(admin.TabularInline):
    """Versions are immutable: shown, never edited here (edits go through the curation pages or the API)."""

    model = QuestionVersion
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["number", "prompt", "key_points", "reference_answer", "red_flags", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "prompt", "round", "difficulty", "status", "source", "version", "updated_at"]
    list_filter = ["status", "round", "difficulty", "source", "skills__category"]
    search_fields = ["key", "current_version__prompt"]
    list_select_related = ["current_version"]
    filter_horizontal = ["skills"]
    # Rubric changes make versions, so the rubric is not editable here; round/difficulty/status/skills are.
    fields = ["key", "round", "difficulty", "status", "source", "skills", "current_version", "created_by",
              "created_at", "updated_at"]
    readonly_fields = ["current_version", "source", "created_by", "created_at", "updated_at"]
    inlines = [QuestionVersionInline]
    actions = ["publish", "retire"]
    list_per_page = 50

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the "retire if answered" rule
        return actions

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        if services.question_delete(question=obj, user=request.user) == "retired":
            self.message_user(request, f"{obj.key} has answers, so it was retired instead.", messages.WARNING)

    @admin.display(description="Prompt")
    def prompt(self, question: Question) -> str:
        prompt = question.current_version.prompt if question.current_version else ""
        return prompt[:100] + ("…" if len(prompt) > 100 else "")

    @admin.display(description="Version", ordering="current_version__number")
    def version(self, question: Question) -> int | None:
        return question.current_version.number if question.current_version else None

    @admin.action(description="Publish the selected questions")
    def publish(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        changed = services.question_set_status(
            question_ids=queryset.values_list("pk", flat=True), status=Question.Status.PUBLISHED, user=request.user
        )
        self.message_user(request, f"{changed} question(s) published.", messages.SUCCESS)

    @admin.action(description="Retire the selected questions")
    def retire(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        changed = services.question_set_status(
            question_ids=queryset.values_list("pk", flat=True), status=Question.Status.RETIRED, user=request.user
        )
        self.message_user(request, f"{changed} question(s) retired.", messages.SUCCESS)


@admin.register(QuestionDraftJob)
class QuestionDraftJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "skill", "round", "count", "status", "created_count"]
    list_filter = ["status", "round"]
    list_select_related = ["skill"]
    readonly_fields = ["status", "created_count", "error", "created_by", "created_at", "finished_at"]
