"""Read a content tree into plain data, validating everything before anything is written.

Layout (see docs/authoring.md):
    <root>/<track-slug>/track.yaml
    <root>/<track-slug>/<NN>-<lesson-slug>/lesson.md   (+ parts: quiz.yaml, exercise/)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from lessons.authoring.errors import ContentInvalid, Problems
from lessons.authoring.parts import ParseContext, registered_parts
from lessons.authoring.yamlfile import FieldReader, load_yaml
from lessons.markdown import split_sections

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FOLDER = re.compile(r"^(\d+)-(.+)$")
TRACK_FIELDS = {"title", "summary", "order"}
LESSON_FIELDS = {"title", "summary", "minutes", "big_idea", "key_terms", "related"}
KEY_TERM_FIELDS = {"term", "definition"}


@dataclass
class ParsedSection:
    heading: str
    markdown: str


@dataclass
class ParsedKeyTerm:
    term: str
    definition: str


@dataclass
class ParsedLesson:
    slug: str
    number: int
    track_slug: str
    path: str  # the lesson folder, relative to the root
    title: str = ""
    summary: str = ""
    minutes: int = 0
    big_idea: str = ""
    key_terms: list[ParsedKeyTerm] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    intro: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    body: str = ""
    parts: dict[str, Any] = field(default_factory=dict)
    related_line: int | None = None

    @property
    def headings(self) -> list[str]:
        return [section.heading for section in self.sections]

    def fingerprint(self) -> str:
        """Return a hash of everything the lesson's rows are made from."""
        data = asdict(replace(self, parts={}))
        data.pop("path")
        data.pop("related_line")
        data["parts"] = {part.name: part.fingerprint(self.parts[part.name]) for part in registered_parts() if self.parts.get(part.name) is not None}
        return _hash(data)


@dataclass
class ParsedTrack:
    slug: str
    path: str
    title: str = ""
    summary: str = ""
    order: int = 0
    lessons: list[ParsedLesson] = field(default_factory=list)

    def fingerprint(self) -> str:
        return _hash({"slug": self.slug, "title": self.title, "summary": self.summary, "order": self.order})


@dataclass
class ParsedCatalog:
    tracks: list[ParsedTrack]

    @property
    def lessons(self) -> list[ParsedLesson]:
        return [lesson for track in self.tracks for lesson in track.lessons]


def _hash(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def read_text_file(path: Path, context: ParseContext) -> str | None:
    """Return a file's UTF-8 text, or record why it cannot be read and return None."""
    relative = context.relative(path)
    if path.is_symlink() or not path.is_file():
        context.problems.add(relative, "must be a regular file (not a folder or a link)")
        return None
    size = path.stat().st_size
    if size > settings.CONTENT_MAX_FILE_BYTES:
        context.problems.add(relative, f"is {size:,} bytes; the limit is {settings.CONTENT_MAX_FILE_BYTES:,}")
        return None
    try:
        return path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        context.problems.add(relative, f"is not UTF-8 text (byte {error.start})")
        return None


def read_yaml_file(file: Path, context: ParseContext, *, missing: str, empty: str) -> Any:
    """Load one YAML file of the tree; when it is missing, unreadable, broken or empty, record why and return None."""
    path = context.relative(file)
    if not file.exists():
        context.problems.add(path, missing)
        return None
    text = read_text_file(file, context)
    if text is None:
        return None
    data = load_yaml(text, path=path, problems=context.problems)
    if data is None and not text.strip():
        context.problems.add(path, empty)
    return data


def _visible_children(folder: Path) -> list[Path]:
    return sorted(child for child in folder.iterdir() if not child.name.startswith((".", "_")))


def parse_catalog(root: Path) -> ParsedCatalog:
    """Parse and validate a whole content tree; raise ContentInvalid listing every problem."""
    root = root.resolve()
    problems = Problems()
    context = ParseContext(root=root, problems=problems)
    if not root.is_dir():
        problems.add(str(root), "is not a folder")
        raise ContentInvalid(problems)

    tracks = [_parse_track(folder, context) for folder in _visible_children(root) if folder.is_dir()]
    catalog = ParsedCatalog(tracks=[track for track in tracks if track is not None])
    if not catalog.tracks and not problems:
        problems.add(".", "has no track folders (each needs a track.yaml)")
    _check_catalog_wide(catalog, problems)
    if problems:
        raise ContentInvalid(problems)
    return catalog


def _parse_track(folder: Path, context: ParseContext) -> ParsedTrack | None:
    relative = context.relative(folder)
    problems = context.problems
    if not SLUG.match(folder.name):
        problems.add(relative, "a track folder's name is its slug: lower-case letters, digits and dashes")
        return None
    track = ParsedTrack(slug=folder.name, path=relative)
    track_file = folder / "track.yaml"
    if not track_file.exists():
        problems.add(f"{relative}/track.yaml", "is missing: every track folder needs one (title, summary, order)")
    else:
        text = read_text_file(track_file, context)
        data = load_yaml(text, path=f"{relative}/track.yaml", problems=problems) if text is not None else None
        if text is not None and (data is not None or not problems):
            fields = FieldReader(data, path=f"{relative}/track.yaml", problems=problems, allowed=TRACK_FIELDS)
            track.title = fields.text("title", max_length=200)
            track.summary = fields.text("summary", required=False)
            track.order = fields.integer("order", required=False, minimum=-1_000_000, maximum=1_000_000)

    numbers: dict[int, str] = {}
    for child in _visible_children(folder):
        if not child.is_dir():
            continue
        match = LESSON_FOLDER.match(child.name)
        if not match or not SLUG.match(match.group(2)):
            problems.add(context.relative(child), "a lesson folder is named NN-slug, e.g. 07-joins-explained")
            continue
        number = int(match.group(1))
        if number in numbers:
            problems.add(context.relative(child), f"has the same number as {numbers[number]}: give each lesson its own NN")
            continue
        numbers[number] = child.name
        lesson = _parse_lesson(child, number, match.group(2), track.slug, context)
        if lesson is not None:
            track.lessons.append(lesson)
    track.lessons.sort(key=lambda lesson: lesson.number)
    return track


def _parse_lesson(folder: Path, number: int, slug: str, track_slug: str, context: ParseContext) -> ParsedLesson | None:
    relative = context.relative(folder)
    lesson = ParsedLesson(slug=slug, number=number, track_slug=track_slug, path=relative)
    lesson_file = folder / "lesson.md"
    if not lesson_file.exists():
        context.problems.add(f"{relative}/lesson.md", "is missing: every lesson folder needs one")
        return None
    text = read_text_file(lesson_file, context)
    if text is None:
        return None
    _parse_lesson_file(text, lesson, f"{relative}/lesson.md", context.problems)
    for part in registered_parts():
        lesson.parts[part.name] = part.parse(folder, lesson, context)
    return lesson


def _parse_lesson_file(text: str, lesson: ParsedLesson, path: str, problems: Problems) -> None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.add(path, "must start with YAML front matter: a line '---', the fields, then another '---'", line=1)
        return
    try:
        closing = next(index for index in range(1, len(lines)) if lines[index].strip() == "---")
    except StopIteration:
        problems.add(path, "the front matter has no closing '---' line", line=1)
        return
    problems_before = len(problems)
    front = load_yaml("\n".join(lines[1:closing]), path=path, problems=problems, first_line=2)
    if front is not None or len(problems) == problems_before:  # broken YAML is already reported
        _read_front_matter(front, lesson, path, problems)

    body_lines = lines[closing + 1 :]
    blank_lines_before_body = len(body_lines) - len("\n".join(body_lines).lstrip("\n").split("\n"))
    offset = closing + 1 + blank_lines_before_body  # file line = line within the body + offset
    body_first_line = offset + 1
    lesson.body = "\n".join(body_lines).strip("\n")
    split = split_sections(lesson.body)
    lesson.intro = split.intro
    if not split.sections:
        problems.add(path, "has no sections: start each section with a '## ' heading", line=body_first_line)
    seen_headings: dict[str, int] = {}
    for section in split.sections:
        line = section.line + offset
        if not section.heading:
            problems.add(path, "a '## ' heading has no text", line=line)
        elif section.heading in seen_headings:
            problems.add(
                path,
                f"the heading {section.heading!r} is used twice (also line {seen_headings[section.heading]}); headings name sections, so make each one unique",
                line=line,
            )
        seen_headings.setdefault(section.heading, line)
        lesson.sections.append(ParsedSection(heading=section.heading, markdown=section.markdown))


def _read_front_matter(front: Any, lesson: ParsedLesson, path: str, problems: Problems) -> None:
    fields = FieldReader(front, path=path, problems=problems, allowed=LESSON_FIELDS, line=1)
    lesson.title = fields.text("title", max_length=200)
    lesson.summary = fields.text("summary", max_length=1000)
    lesson.minutes = fields.integer("minutes", minimum=1, maximum=600)
    lesson.big_idea = fields.text("big_idea", max_length=1000)
    seen_terms: set[str] = set()
    for index, (item, line) in enumerate(fields.sequence("key_terms", min_items=1)):
        term_fields = FieldReader(item, path=path, problems=problems, allowed=KEY_TERM_FIELDS, prefix=f"key_terms[{index}].", line=line)
        term = term_fields.text("term", max_length=200)
        definition = term_fields.text("definition", max_length=2000)
        if term.lower() in seen_terms:
            term_fields.problem("term", f"{term!r} is defined twice")
        seen_terms.add(term.lower())
        lesson.key_terms.append(ParsedKeyTerm(term=term, definition=definition))
    lesson.related = fields.text_list("related", required=False, check=lambda slug: None if SLUG.match(slug) else "is not a lesson slug")
    lesson.related_line = fields.line("related")  # for problems found once every lesson is known


def _check_catalog_wide(catalog: ParsedCatalog, problems: Problems) -> None:
    first_seen: dict[str, ParsedLesson] = {}
    for lesson in catalog.lessons:
        other = first_seen.setdefault(lesson.slug, lesson)
        if other is not lesson:
            problems.add(
                f"{lesson.path}/lesson.md", f"the slug {lesson.slug!r} is already used by {other.path}: lesson slugs are unique across tracks"
            )
    for lesson in catalog.lessons:
        for slug in lesson.related:
            if slug == lesson.slug:
                problems.add(f"{lesson.path}/lesson.md", "a lesson cannot be related to itself", line=lesson.related_line, field="related")
            elif slug not in first_seen:
                problems.add(f"{lesson.path}/lesson.md", f"{slug!r} is not a lesson in this catalog", line=lesson.related_line, field="related")
