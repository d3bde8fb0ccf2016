from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from lessons.models import KeyTerm, Lesson, Section, Track
from lessons.search import rebuild_search_index

# Content is edited as files in git and imported; the admin is for looking, previewing
# and the occasional emergency fix, so rows written by the importer are read-only here.


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "heading", "anchor"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class KeyTermInline(admin.TabularInline):
    model = KeyTerm
    fields = ["position", "term", "definition"]
    extra = 0


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order", "is_archived"]
    list_filter = ["is_archived"]
    search_fields = ["title", "slug"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "track", "number", "catalog_position", "minutes", "is_archived", "preview"]
    list_filter = ["track", "is_archived"]
    search_fields = ["title", "slug", "summary"]
    readonly_fields = ["slug", "track", "number", "catalog_position", "source_path", "content_hash", "created_at", "updated_at", "preview"]
    fields = [
        "title",
        "slug",
        "track",
        "number",
        "catalog_position",
        "summary",
        "minutes",
        "big_idea",
        "authored_related",
        "is_archived",
        "source_path",
        "preview",
    ]
    inlines = [SectionInline, KeyTermInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        rebuild_search_index(lesson_ids=[form.instance.pk])  # an emergency fix is found by search at once

    @admin.display(description="Preview")
    def preview(self, lesson: Lesson) -> str:
        return format_html('<a href="{}" target="_blank">Open lesson page</a>', lesson.get_absolute_url())
