"""Lesson parts: pieces of a lesson folder that other apps own (the quiz, the exercise).

The lessons app knows nothing of quizzes or the sandbox. Each of those apps registers a
part in its AppConfig.ready(); the importer and exporter then call every registered
part for every lesson folder, so the authoring format grows without this app changing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lessons.authoring.errors import Problems

if TYPE_CHECKING:
    from lessons.authoring.parsing import ParsedLesson
    from lessons.models import Lesson


@dataclass(frozen=True)
class ParseContext:
    root: Path
    problems: Problems

    def relative(self, path: Path) -> str:
        """Return the path relative to the content root, as authors see it."""
        return path.relative_to(self.root).as_posix()


class LessonPart(Protocol):
    name: str  # the key in ParsedLesson.parts, e.g. "quiz"

    def parse(self, folder: Path, lesson: ParsedLesson, context: ParseContext) -> Any | None:
        """Read and validate this part from a lesson folder; None when the folder has none."""

    def fingerprint(self, parsed: Any) -> Any:
        """Return JSON-able data that changes whenever the parsed part changes."""

    def save(self, lesson: Lesson, parsed: Any | None) -> dict[str, Counter]:
        """Write the part for a lesson (None: the folder no longer has it); return change counts."""

    def export(self, lesson: Lesson, folder: Path) -> None:
        """Write the part back into a lesson folder, in the authoring format."""


_PARTS: dict[str, LessonPart] = {}


def register_part(part: LessonPart) -> None:
    _PARTS[part.name] = part


def registered_parts() -> list[LessonPart]:
    return list(_PARTS.values())
