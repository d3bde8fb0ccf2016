"""Write a validated content tree to the database in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from lessons.authoring.parsing import ParsedCatalog, ParsedLesson, ParsedTrack, parse_catalog
from lessons.authoring.parts import registered_parts
from lessons.markdown import html_to_text, render_inline, render_markdown, unique_anchor
from lessons.models import KeyTerm, Lesson, Section, Track
from lessons.search import rebuild_search_index
from lessons.services import bump_catalog_version, rebuild_related_lessons
from lessons.signals import catalog_imported

KINDS = ("tracks", "lessons", "questions", "exercises")


@dataclass
class ImportReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)  # what the tree holds: tracks, lessons
    changed_lessons: set[str] = field(default_factory=set)  # slugs of lessons added or rewritten

    def add(self, kind: str, change: str, amount: int = 1) -> None:
        if amount:
            self.counts.setdefault(kind, Counter())[change] += amount

    def merge(self, counts: dict[str, Counter]) -> None:
        for kind, counter in counts.items():
            for change, amount in counter.items():
                self.add(kind, change, amount)

    @property
    def has_changes(self) -> bool:
        return any(sum(counter.values()) for counter in self.counts.values())

    def summary_lines(self) -> list[str]:
        """Return one line per kind of row that changed, e.g. 'lessons: 2 added, 1 archived'."""
        lines = []
        for kind in [*KINDS, *sorted(set(self.counts) - set(KINDS))]:
            counter = self.counts.get(kind)
            if counter:
                parts = [f"{counter[change]} {change}" for change in ("added", "changed", "archived") if counter[change]]
                lines.append(f"{kind}: {', '.join(parts)}")
        return lines


def import_catalog(root: Path) -> ImportReport:
    """Validate the tree at root, then upsert it by slug in one transaction.

    Raises ContentInvalid (writing nothing) when any file has a problem.
    """
    catalog = parse_catalog(root)
    report = ImportReport(found={"tracks": len(catalog.tracks), "lessons": len(catalog.lessons)})
    with transaction.atomic():
        tracks = _save_tracks(catalog, report)
        _save_lessons(catalog, tracks, report)
        _number_catalog()
        if report.has_changes:
            rebuild_related_lessons()
            rebuild_search_index()
            transaction.on_commit(lambda: _announce(report))
    return report


def _announce(report: ImportReport) -> None:
    bump_catalog_version()  # cached lesson pages are stale now
    catalog_imported.send(sender=Lesson, report=report)


def _save_tracks(catalog: ParsedCatalog, report: ImportReport) -> dict[str, Track]:
    existing = {track.slug: track for track in Track.objects.all()}
    for parsed in catalog.tracks:
        track = existing.get(parsed.slug)
        fingerprint = parsed.fingerprint()
        if track is None:
            existing[parsed.slug] = _write_track(Track(slug=parsed.slug), parsed, fingerprint)
            report.add("tracks", "added")
        elif track.content_hash != fingerprint or track.is_archived:
            _write_track(track, parsed, fingerprint)
            report.add("tracks", "changed")
    in_tree = {parsed.slug for parsed in catalog.tracks}
    gone = [slug for slug, track in existing.items() if slug not in in_tree and not track.is_archived]
    report.add("tracks", "archived", Track.objects.filter(slug__in=gone).update(is_archived=True))
    return existing


def _write_track(track: Track, parsed: ParsedTrack, fingerprint: str) -> Track:
    track.title, track.summary, track.order = parsed.title, parsed.summary, parsed.order
    track.is_archived, track.content_hash = False, fingerprint
    track.save()
    return track


def _save_lessons(catalog: ParsedCatalog, tracks: dict[str, Track], report: ImportReport) -> None:
    existing = {lesson.slug: lesson for lesson in Lesson.objects.only("id", "slug", "content_hash", "is_archived")}
    for parsed in catalog.lessons:
        lesson = existing.get(parsed.slug)
        fingerprint = parsed.fingerprint()
        if lesson is not None and lesson.content_hash == fingerprint and not lesson.is_archived:
            continue
        if lesson is None:
            lesson = Lesson(slug=parsed.slug)
            report.add("lessons", "added")
        else:
            lesson = Lesson.objects.get(pk=lesson.pk)
            report.add("lessons", "changed")
        _write_lesson(lesson, parsed, tracks[parsed.track_slug], fingerprint)
        report.changed_lessons.add(lesson.slug)
        for part in registered_parts():
            report.merge(part.save(lesson, parsed.parts.get(part.name)))
    in_tree = {parsed.slug for parsed in catalog.lessons}
    gone = [slug for slug, lesson in existing.items() if slug not in in_tree and not lesson.is_archived]
    report.add("lessons", "archived", Lesson.objects.filter(slug__in=gone).update(is_archived=True, catalog_position=None))


def _write_lesson(lesson: Lesson, parsed: ParsedLesson, track: Track, fingerprint: str) -> None:
    lesson.track = track
    lesson.number = parsed.number
    lesson.title, lesson.summary, lesson.minutes, lesson.big_idea = parsed.title, parsed.summary, parsed.minutes, parsed.big_idea
    lesson.intro_markdown, lesson.intro_html = parsed.intro, render_markdown(parsed.intro)
    lesson.body_markdown = parsed.body
    lesson.authored_related = parsed.related
    lesson.source_path = parsed.path
    lesson.is_archived = False
    lesson.content_hash = fingerprint

    section_anchors, term_anchors = lesson_anchors(parsed)
    sections = []
    for position, (parsed_section, anchor) in enumerate(zip(parsed.sections, section_anchors, strict=True), start=1):
        body_html = render_markdown(parsed_section.markdown)
        sections.append(
            Section(
                position=position,
                heading=parsed_section.heading,
                heading_html=render_inline(parsed_section.heading),
                anchor=anchor,
                body_markdown=parsed_section.markdown,
                body_html=body_html,
                body_text=html_to_text(body_html),
            )
        )
    key_terms = [
        KeyTerm(
            position=position,
            term=term.term,
            definition=term.definition,
            definition_html=render_inline(term.definition),
            anchor=anchor,
        )
        for position, (term, anchor) in enumerate(zip(parsed.key_terms, term_anchors, strict=True), start=1)
    ]
    lesson.search_text = " ".join(
        [parsed.title, parsed.summary, parsed.big_idea, html_to_text(lesson.intro_html)]
        + [f"{term.term} {term.definition}" for term in parsed.key_terms]
        + [f"{section.heading} {section.body_text}" for section in sections]
    )
    lesson.save()
    # Sections and key terms have no identity of their own (nothing refers to them), so
    # they are replaced wholesale; questions, which progress refers to, are upserted.
    lesson.sections.all().delete()
    lesson.key_terms.all().delete()
    for row in [*sections, *key_terms]:
        row.lesson = lesson
    Section.objects.bulk_create(sections)
    KeyTerm.objects.bulk_create(key_terms)


def lesson_anchors(parsed: ParsedLesson) -> tuple[list[str], list[str]]:
    """Return the anchors of a lesson's sections and of its key terms, unique within the page."""
    taken: set[str] = set()
    sections = [unique_anchor(section.heading, taken) for section in parsed.sections]
    return sections, [unique_anchor(f"term-{term.term}", taken) for term in parsed.key_terms]


def _number_catalog() -> None:
    """Give every published lesson its 1-based position in the whole catalog."""
    changed = []
    ordered = Lesson.objects.published().in_catalog_order().only("id", "catalog_position")
    for position, lesson in enumerate(ordered, start=1):
        if lesson.catalog_position != position:
            lesson.catalog_position = position
            changed.append(lesson)
    Lesson.objects.bulk_update(changed, ["catalog_position"], batch_size=500)
    Lesson.objects.filter(track__is_archived=True).exclude(catalog_position=None).update(catalog_position=None)
