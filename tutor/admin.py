from __future__ import annotations

from django.contrib import admin

from tutor.models import AskedQuestion


@admin.register(AskedQuestion)
class AskedQuestionAdmin(admin.ModelAdmin):
    """What learners asked, read-only: for authors, what lessons do not answer (filter by reason: not-covered)."""

    list_display = ["question_start", "lesson", "covered", "reason", "engine", "latency_ms", "asked_at"]
    list_filter = ["covered", "reason", "engine", "asked_at"]
    search_fields = ["question", "lesson__title", "lesson__slug"]
    list_select_related = ["lesson"]
    date_hierarchy = "asked_at"
    # Who asked stays out of view: the log is about lessons, not learners.
    fields = ["lesson", "question", "covered", "reason", "engine", "sections", "latency_ms", "asked_at"]
    readonly_fields = fields

    @admin.display(description="Question", ordering="question")
    def question_start(self, asked: AskedQuestion) -> str:
        return str(asked)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
