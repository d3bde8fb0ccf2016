"""YAML that remembers line numbers, and typed field readers that report bad fields.

PyYAML forgets where a value came from once it is loaded; authors need "quiz.yaml:42"
to find a mistake, so mappings and lists loaded here keep the lines of their keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import yaml

from lessons.authoring.errors import Problems


class Mapping(dict):
    """A YAML mapping with .line (where it starts) and .key_lines (where each key is)."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicate_keys: list[tuple[Any, int]]


class Sequence(list):
    """A YAML list with .line and .item_lines."""

    line: int = 0
    item_lines: list[int]


# libyaml's parser (about ten times faster) when PyYAML was built with it; the
# constructors below are Python either way, so line numbers work the same.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.duplicate_keys = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a key here is a list or mapping, not a name", key_node.start_mark) from None
        if key in mapping:
            mapping.duplicate_keys.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Sequence:
    sequence = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, *, path: str, problems: Problems, first_line: int = 1) -> Any:
    """Load YAML text; on a syntax error record it (with its line) and return None."""
    try:
        # Blank lines in front keep every recorded line equal to the line in the file.
        return yaml.load("\n" * (first_line - 1) + text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problems.add(path, f"broken YAML: {error.problem or error.context}", line=line)
    except yaml.YAMLError as error:
        problems.add(path, f"broken YAML: {error}")
    return None


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_MISSING = object()


class FieldReader:
    """Read typed fields from one mapping, recording a problem for each missing or bad field.

    Every reader returns a usable default after recording a problem, so validation goes
    on and the author sees all mistakes in one run.
    """

    def __init__(self, mapping: Any, *, path: str, problems: Problems, allowed: set[str], prefix: str = "", line: int | None = None) -> None:
        self.path, self.problems, self.prefix = path, problems, prefix
        if not isinstance(mapping, dict):
            problems.add(path, f"must be a mapping of fields, not {_type_name(mapping)}", line=line, field=prefix.rstrip("."))
            mapping = Mapping()
        self.mapping = mapping
        self.line_of_mapping = getattr(mapping, "line", None) or line
        for key, key_line in getattr(mapping, "duplicate_keys", []):
            self.problem(key, "appears twice; keep one", line=key_line)
        for key in mapping:
            if key not in allowed:
                guess = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f" (did you mean {guess[0]!r}?)" if guess else f" (known fields: {', '.join(sorted(allowed))})"
                self.problem(key, f"unknown field{hint}")

    def line(self, key: str) -> int | None:
        return getattr(self.mapping, "key_lines", {}).get(key, self.line_of_mapping)

    def problem(self, key: Any, message: str, *, line: int | None = None) -> None:
        self.problems.add(self.path, message, line=line or self.line(key), field=f"{self.prefix}{key}")

    def has(self, key: str) -> bool:
        return key in self.mapping

    def _get(self, key: str, required: bool) -> Any:
        value = self.mapping.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(key, "is missing" if value is _MISSING else "is empty")
            return _MISSING
        return value

    def text(self, key: str, *, required: bool = True, max_length: int | None = None, scalars: bool = False) -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return ""
        if scalars and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(key, f"must be text, not {_type_name(value)} (put it in quotes)")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(key, "is empty")
        if max_length and len(value) > max_length:
            self.problem(key, f"is {len(value)} characters long; the limit is {max_length}")
        return value

    def integer(self, key: str, *, required: bool = True, default: int = 0, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"must be a whole number, not {_type_name(value)}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(key, f"is {value}; it must be between {minimum} and {maximum}")
            return default
        return value

    def number(self, key: str, *, required: bool = True, minimum: float | None = None) -> float | int | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"must be a number, not {_type_name(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(key, f"is {value}; it must be at least {minimum}")
            return None
        return value

    def boolean(self, key: str, *, required: bool = True) -> bool | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {_type_name(value)}")
            return None
        return value

    def sequence(self, key: str, *, required: bool = True, min_items: int = 0) -> list[tuple[Any, int | None]]:
        """Return the list's items paired with their lines."""
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(key, f"must be a list, not {_type_name(value)}")
            return []
        if len(value) < min_items:
            self.problem(key, "is an empty list" if not value else f"needs at least {min_items} items")
        lines = getattr(value, "item_lines", [None] * len(value))
        return list(zip(value, lines, strict=True))

    def text_items(
        self, key: str, *, required: bool = True, min_items: int = 0, unique: bool = True, check: Callable[[str], str | None] | None = None
    ) -> list[tuple[str, int | None]]:
        """Return (text, line) for each non-empty string in a list (numbers become text); check(item) returns a complaint or None."""
        items: list[tuple[str, int | None]] = []
        for index, (item, line) in enumerate(self.sequence(key, required=required, min_items=min_items)):
            if isinstance(item, int | float) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{key}[{index}]", f"must be non-empty text, not {_type_name(item)}", line=line)
                continue
            item = item.strip()
            complaint = check(item) if check else None
            if complaint:
                self.problem(f"{key}[{index}]", complaint, line=line)
            elif unique and any(item == seen for seen, _ in items):
                self.problem(f"{key}[{index}]", f"{item!r} is listed twice", line=line)
            else:
                items.append((item, line))
        return items

    def text_list(self, key: str, **options: Any) -> list[str]:
        """Return the texts of text_items(key, **options)."""
        return [item for item, _line in self.text_items(key, **options)]
