from django.contrib import admin

from apps.interviews.models import Answer, Dispute, Interview, ReviewAttempt, ReviewItem


class AnswerInline(admin.TabularInline):
    model = Answer
    fk_name = "interview"
    extra = 0
    can_delete = False
    fields = ["order", "parent", "question_version", "grading_status", "score", "grader", "attempts", "error_kind"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "kind", "round", "status", "score", "started_at", "finished_at"]
    list_filter = ["kind", "status", "round"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "role", "company", "topic", "current_version", "current_parent", "awaiting_answer"]
    readonly_fields = ["report", "started_at", "finished_at"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["id", "interview", "order", "grading_status", "score", "grader", "attempts", "error_kind", "created_at"]
    list_filter = ["grading_status", "grader", "error_kind", "injection_suspected"]
    search_fields = ["interview__user__email", "question_version__question__key"]
    raw_id_fields = ["interview", "question_version", "parent"]
    readonly_fields = ["grade", "rubric_grade", "graded_at", "refined_at", "grading_started_at", "created_at"]
    actions = ["regrade"]

    @admin.action(description="Grade again (rubric, then the LLM judge if configured)")
    def regrade(self, request, queryset):  # type: ignore[no-untyped-def]
        from apps.interviews import tasks

        for answer_id in queryset.values_list("pk", flat=True):
            tasks.answer_grade_task.delay(answer_id, force=True)
        self.message_user(request, f"Queued {queryset.count()} answer(s) for grading.")


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """Read-mostly: disputes are resolved on the staff disputes page (it regrades and rebuilds reports)."""

    list_display = ["id", "user", "answer", "key_point_id", "status", "original_score", "corrected_score", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "answer__question_version__question__key"]
    raw_id_fields = ["answer", "user", "resolved_by"]
    readonly_fields = ["original_score", "original_covers", "created_at", "resolved_at"]


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "question", "key_point_id", "step", "due_on", "status"]
    list_filter = ["status", "step"]
    search_fields = ["user__email", "question__key"]
    raw_id_fields = ["user", "question", "question_version", "source_answer"]


@admin.register(ReviewAttempt)
class ReviewAttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "item", "answered_on", "grading_status", "covered", "next_due_on"]
    list_filter = ["grading_status", "covered"]
    raw_id_fields = ["item"]
