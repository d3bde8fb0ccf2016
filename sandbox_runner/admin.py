from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from sandbox_runner.models import Exercise, ExerciseFile, Run, RunArtifact, Upload


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


class RunArtifactInline(admin.TabularInline):
    model = RunArtifact
    fields = ["kind", "position", "name", "size", "file", "not_kept"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    """Runs, read-only: what learners ran and what came back."""

    list_display = ["id", "status", "learner", "exercise", "backend", "duration_s", "created_at"]
    list_filter = ["status", "backend"]
    search_fields = ["learner__username", "exercise__title"]
    list_select_related = ["learner", "exercise"]
    readonly_fields = [field.name for field in Run._meta.fields]
    inlines = [RunArtifactInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting a run must delete its files: the retention task does both


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["name", "learner", "size", "created_at", "expires_at"]
    list_select_related = ["learner"]
    readonly_fields = ["learner", "session_key", "name", "size", "file", "created_at", "expires_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an upload's file goes with it only through the upload services
