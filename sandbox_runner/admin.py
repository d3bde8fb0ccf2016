from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from sandbox_runner.models import Exercise, ExerciseFile


class ExerciseFileInline(admin.TabularInline):
    model = ExerciseFile
    fields = ["path", "size"]
    readonly_fields = fields
    extra = 0


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "lesson", "is_archived", "preview"]
    list_filter = ["is_archived"]
    search_fields = ["title", "lesson__title"]
    readonly_fields = ["content_hash", "preview"]
    inlines = [ExerciseFileInline]

    @admin.display(description="Preview")
    def preview(self, exercise: Exercise) -> str:
        return format_html('<a href="{}#exercise" target="_blank">Open lesson page</a>', exercise.lesson.get_absolute_url())
