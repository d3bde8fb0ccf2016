from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from quizzes.models import Question, Quiz


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ["position", "key", "kind", "prompt", "choices", "answer", "tolerance", "explanation", "section_heading", "is_archived"]
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["lesson", "pass_percent", "preview"]
    search_fields = ["lesson__title"]
    inlines = [QuestionInline]

    @admin.display(description="Preview")
    def preview(self, quiz: Quiz) -> str:
        return format_html('<a href="{}" target="_blank">Open lesson page</a>', quiz.lesson.get_absolute_url())


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "quiz", "position", "is_archived"]
    list_filter = ["kind", "is_archived"]
    search_fields = ["key", "prompt"]
