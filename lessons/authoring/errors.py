"""Problems found in a content tree, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the content root, with forward slashes
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class Problems:
    """An ordered collection of problems; truthy when there is at least one."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(self, path: str, message: str, *, line: int | None = None, field: str = "") -> None:
        self._items.append(Problem(path, line, field, message))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(sorted(self._items, key=lambda p: (p.path, p.line or 0, p.field)))


class ContentInvalid(Exception):
    """The tree has problems; nothing was written."""

    def __init__(self, problems: Problems) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the content")
