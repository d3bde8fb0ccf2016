"""A lesson as the tutor reads it: sections of short passages, each a sentence or a table row.

Passages come from the lesson's Markdown rather than its flattened text, so a code
block never runs into the sentence after it and a table row stays one fact. Code is
kept out of answers: learners get the prose that explains it, with a link to the
section that shows it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from lessons.markdown import parse_markdown
from tutor.text import content_stems, numbers_in, sentences

INTRO_ANCHOR = "lesson-intro"
# Ids of the lesson page that citations link to, besides the sections' own anchors.
KEY_TERMS_ANCHOR = "key-terms-title"
LEARNING_PATH_ANCHOR = "learning-path-title"  # in the lesson map
EXERCISE_ANCHOR = "applied-exercise"  # the conventional last section, which sets the learner a task
# The big idea sits after the sections on the page, under this id.
BIG_IDEA_TITLE = "The big idea"
BIG_IDEA_ANCHOR = "lesson-big-idea"
KEY_TERMS_TITLE = "Key terms"


@dataclass(frozen=True)
class SectionRef:
    title: str
    anchor: str

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(content_stems(self.title))


PROSE, ROW, CODE, DEFINITION = "prose", "row", "code", "definition"
# A list item's first sentence, and the sentences after it in the same item: a list
# introduced by "...one of five questions:" is quoted item by item.
ITEM, ITEM_MORE = "item", "item-more"

# Bumped whenever passages are read differently, so indexes stored before are rebuilt.
FORMAT_VERSION = 6
MAX_CODE_LINES = 12


@dataclass(frozen=True)
class Passage:
    section: int  # index into LessonText.sections
    text: str
    stems: tuple[str, ...]
    kind: str = PROSE  # a sentence, a list item's sentence, a table row ("cell | cell"), a code block, or a key term's "term: definition"

    @property
    def is_definition(self) -> bool:
        return self.kind == DEFINITION

    @property
    def is_code(self) -> bool:
        return self.kind == CODE

    @property
    def in_list(self) -> bool:
        return self.kind in (ITEM, ITEM_MORE)


class StaleFormat(ValueError):
    """A stored index written in an older format: build it again."""


@dataclass
class LessonText:
    """Everything the offline engine needs to know about one lesson, built once per import."""

    title: str
    sections: list[SectionRef]
    passages: list[Passage]
    key_terms: list[tuple[str, str]] = field(default_factory=list)  # (term, definition)
    big_idea: str = ""  # the lesson's one-sentence takeaway, as the page shows it

    @cached_property
    def document_frequency(self) -> Counter:
        return Counter(stem for passage in self.passages for stem in set(passage.stems))

    @cached_property
    def title_stems(self) -> frozenset[str]:
        return frozenset(content_stems(self.title))

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every stem of the lesson: its passages, its title and its headings."""
        return frozenset(self.document_frequency).union(self.title_stems, *(ref.stems for ref in self.sections))

    @cached_property
    def numbers(self) -> frozenset[str]:
        """The lesson's numbers as written without thousands separators ("9,999" as "9999")."""
        return frozenset(numbers_in(self.vocabulary))

    @cached_property
    def postings(self) -> dict[str, list[tuple[int, int]]]:
        """For each stem, the passages holding it: (passage index, times it occurs)."""
        found: dict[str, list[tuple[int, int]]] = {}
        for index, passage in enumerate(self.passages):
            for item, count in Counter(passage.stems).items():
                found.setdefault(item, []).append((index, count))
        return found

    @cached_property
    def section_stems(self) -> list[frozenset[str]]:
        """The stems of each section's passages."""
        found: list[set[str]] = [set() for _ in self.sections]
        for passage in self.passages:
            found[passage.section].update(passage.stems)
        return [frozenset(stems) for stems in found]

    @cached_property
    def passage_lengths(self) -> list[int]:
        return [len(passage.stems) for passage in self.passages]

    @cached_property
    def length(self) -> int:
        """How many content words the lesson has (stop words left out)."""
        return sum(self.passage_lengths)

    @cached_property
    def average_length(self) -> float:
        return sum(self.passage_lengths) / len(self.passages) if self.passages else 1.0

    def table_start(self, index: int) -> int:
        """The index of the first row (the header) of the table whose row is at index."""
        section = self.passages[index].section
        while index > 0 and self.passages[index - 1].kind == ROW and self.passages[index - 1].section == section:
            index -= 1
        return index

    def to_json(self) -> dict:
        return {
            "version": FORMAT_VERSION,
            "title": self.title,
            "sections": [[ref.title, ref.anchor] for ref in self.sections],
            "passages": [[p.section, p.text, " ".join(p.stems), p.kind] for p in self.passages],
            "key_terms": [list(pair) for pair in self.key_terms],
            "big_idea": self.big_idea,
        }

    @classmethod
    def from_json(cls, data: dict) -> LessonText:
        """Read a stored index; raise StaleFormat when it was written by another version of this code."""
        if data.get("version") != FORMAT_VERSION:
            raise StaleFormat(data.get("version"))
        return cls(
            title=data["title"],
            sections=[SectionRef(title, anchor) for title, anchor in data["sections"]],
            passages=[Passage(section, text, tuple(stems.split()), kind) for section, text, stems, kind in data["passages"]],
            key_terms=[(term, definition) for term, definition in data["key_terms"]],
            big_idea=data["big_idea"],
        )


def inline_text(markdown: str) -> str:
    """Return one line of Markdown as plain text ("`isna()` is True" -> "isna() is True")."""
    tokens = parse_markdown(markdown)
    return " ".join(_token_text(token) for token in tokens if token.type == "inline")


def _token_text(inline) -> str:
    """The visible text of a parsed inline token: its words and code, without markup or raw HTML."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)  # its alt text
    return " ".join("".join(parts).split())


def markdown_passages(markdown: str) -> list[tuple[str, str]]:
    """Return the passages of a piece of lesson Markdown, in order, as (kind, text):
    prose sentences, list items' sentences, table rows and code blocks."""
    found: list[tuple[str, str]] = []
    row: list[str] | None = None  # the cells of the table row being read
    item_depth = 0  # how deep in nested lists
    item_starts = False  # the next sentence opens a list item
    for token in parse_markdown(markdown):
        if token.type == "list_item_open":
            item_depth += 1
            item_starts = True
        elif token.type == "list_item_close":
            item_depth -= 1
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if any(row):
                found.append((ROW, " | ".join(row)))
            row = None
        elif token.type in ("fence", "code_block") and token.content.strip():
            lines = token.content.strip("\n").splitlines()
            code = "\n".join(lines[:MAX_CODE_LINES] + (["..."] if len(lines) > MAX_CODE_LINES else []))
            found.append((CODE, code))
        elif token.type == "inline" and token.content.strip():
            text = _token_text(token)
            if row is not None:
                row.append(text)
            elif item_depth:
                for sentence in sentences(text):
                    found.append((ITEM if item_starts else ITEM_MORE, sentence))
                    item_starts = False
            else:
                found.extend((PROSE, sentence) for sentence in sentences(text))
    return found


def build_lesson_text(
    title: str, intro: str, sections: list[tuple[str, str, str]], key_terms: list[tuple[str, str]], big_idea: str = ""
) -> LessonText:
    """Build a LessonText from Markdown: intro, sections as (heading, anchor, markdown), key terms, the big idea."""
    refs: list[SectionRef] = []
    passages: list[Passage] = []

    def add(ref: SectionRef, found: list[tuple[str, str]]) -> None:
        refs.append(ref)
        index = len(refs) - 1
        for kind, text in found:
            stems = tuple(content_stems(text))
            if stems:
                passages.append(Passage(index, text, stems, kind))

    if intro.strip():
        add(SectionRef("Introduction", INTRO_ANCHOR), markdown_passages(intro))
    for heading, anchor, markdown in sections:
        heading_text = inline_text(heading)
        add(SectionRef(heading_text, anchor), markdown_passages(markdown))
    if big_idea.strip():
        add(SectionRef(BIG_IDEA_TITLE, BIG_IDEA_ANCHOR), [(PROSE, sentence) for sentence in sentences(big_idea)])
    if key_terms:
        add(SectionRef(KEY_TERMS_TITLE, KEY_TERMS_ANCHOR), [(DEFINITION, f"{term}: {definition}") for term, definition in key_terms])
    return LessonText(title=title, sections=refs, passages=passages, key_terms=list(key_terms), big_idea=big_idea.strip())
