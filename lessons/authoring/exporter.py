"""Write the published catalog back out in the authoring format."""

from __future__ import annotations

from pathlib import Path

from lessons.authoring.parts import registered_parts
from lessons.authoring.yamlwrite import dump_yaml
from lessons.models import Lesson, Track


class ExportTargetNotEmpty(Exception):
    pass


def export_catalog(root: Path) -> dict[str, int]:
    """Write every published track and lesson under root (which must be empty); return counts."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ExportTargetNotEmpty(f"{root} exists and is not an empty folder; export into a new one.")
    root.mkdir(parents=True, exist_ok=True)
    tracks = list(Track.objects.published().in_catalog_order())
    for track in tracks:
        (root / track.slug).mkdir()
        fields = {"title": track.title, "summary": track.summary, "order": track.order}
        (root / track.slug / "track.yaml").write_text(dump_yaml(fields), encoding="utf-8")
    lessons = Lesson.objects.published().in_catalog_order().select_related("track").prefetch_related("key_terms")
    count = 0
    for lesson in lessons:
        folder = root / lesson.track.slug / lesson.folder_name
        folder.mkdir()
        (folder / "lesson.md").write_text(lesson_file_text(lesson), encoding="utf-8")
        for part in registered_parts():
            part.export(lesson, folder)
        count += 1
    return {"tracks": len(tracks), "lessons": count}


def lesson_file_text(lesson: Lesson) -> str:
    """Return lesson.md for a lesson: front matter, a blank line, then the Markdown body."""
    front = {
        "title": lesson.title,
        "summary": lesson.summary,
        "minutes": lesson.minutes,
        "big_idea": lesson.big_idea,
        "key_terms": [{"term": term.term, "definition": term.definition} for term in lesson.key_terms.all()],
    }
    if lesson.authored_related:
        front["related"] = list(lesson.authored_related)
    return f"---\n{dump_yaml(front)}---\n\n{lesson.body_markdown}\n"
