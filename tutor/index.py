"""Each lesson's passages, built once per import and read on every question."""

from __future__ import annotations

from functools import lru_cache

from django.db import transaction

from lessons.authoring.importer import lesson_anchors
from lessons.authoring.parsing import ParsedLesson
from lessons.models import Lesson
from tutor.models import LessonIndex
from tutor.passages import LessonText, StaleFormat, build_lesson_text


def build_lesson_index(lesson: Lesson) -> LessonText:
    """Read a lesson's intro, sections and key terms into passages."""
    sections = [(section.heading, section.anchor, section.body_markdown) for section in lesson.sections.all()]
    key_terms = [(term.term, term.definition) for term in lesson.key_terms.all()]
    return build_lesson_text(lesson.title, lesson.intro_markdown, sections, key_terms, lesson.big_idea)


def rebuild_indexes(slugs: set[str] | None = None) -> int:
    """Rebuild the index of the named lessons (all published lessons when None); return how many."""
    lessons = Lesson.objects.filter(is_archived=False).prefetch_related("sections", "key_terms").order_by("pk")
    if slugs is not None:
        lessons = lessons.filter(slug__in=slugs)
    built = 0
    with transaction.atomic():
        batch: list[LessonIndex] = []
        for lesson in lessons.iterator(chunk_size=BATCH):
            batch.append(LessonIndex(lesson=lesson, content_hash=lesson.content_hash, data=build_lesson_index(lesson).to_json()))
            if len(batch) == BATCH:
                built += _replace(batch)
                batch = []
        built += _replace(batch)
    return built


BATCH = 200


def _replace(rows: list[LessonIndex]) -> int:
    LessonIndex.objects.filter(lesson_id__in=[row.lesson_id for row in rows]).delete()
    LessonIndex.objects.bulk_create(rows)
    return len(rows)


def lesson_text(lesson: Lesson) -> LessonText:
    """Return the lesson's passages: from the stored index when it is current, else built now."""
    return _cached_text(lesson.pk, lesson.content_hash)


@lru_cache(maxsize=256)
def _cached_text(lesson_id: int, content_hash: str) -> LessonText:
    # Keyed by content hash, so an import that rewrites a lesson never serves the old text.
    stored = LessonIndex.objects.filter(lesson_id=lesson_id, content_hash=content_hash).values_list("data", flat=True).first()
    if stored is not None:
        try:
            return LessonText.from_json(stored)
        except StaleFormat:
            pass  # written by an older version: build it again below
    lesson = Lesson.objects.prefetch_related("sections", "key_terms").get(pk=lesson_id)
    text = build_lesson_index(lesson)
    LessonIndex.objects.update_or_create(lesson=lesson, defaults={"content_hash": content_hash, "data": text.to_json()})
    return text


def on_catalog_imported(sender, report, **kwargs) -> None:
    """Rebuild the index of the lessons an import added or rewrote."""
    if report.changed_lessons:
        rebuild_indexes(report.changed_lessons)


def lesson_text_from_files(parsed: ParsedLesson) -> LessonText:
    """Read a parsed lesson file as the importer would store it (same anchors), without a database."""
    section_anchors, _ = lesson_anchors(parsed)
    sections = [(section.heading, anchor, section.markdown) for section, anchor in zip(parsed.sections, section_anchors, strict=True)]
    key_terms = [(term.term, term.definition) for term in parsed.key_terms]
    return build_lesson_text(parsed.title, parsed.intro, sections, key_terms, parsed.big_idea)
