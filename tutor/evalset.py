"""The tutor's evaluation set: questions about demo lessons, with what a right reply must hold.

The set lives in tutor/evaluation/demo_course.yaml (its header explains the format and
the scoring). This module only reads it; checking it against the imported catalog is
the job of its test, and running the tutor over it the job of the evaluation command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KINDS = ("not-covered", "off-topic", "injection")


def normalize(text: str) -> str:
    """Return text case-folded with every run of whitespace made one space, for matching facts."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class AnswerableQuestion:
    question: str
    facts: tuple[tuple[str, ...], ...]  # every fact must appear; any one of its alternatives will do
    section: str  # anchor of the section that holds the facts

    def is_answered_by(self, reply: str) -> bool:
        """Return whether reply contains every fact (one alternative each), ignoring case and spacing."""
        reply = normalize(reply)
        return all(any(normalize(alternative) in reply for alternative in fact) for fact in self.facts)


@dataclass(frozen=True)
class UnanswerableQuestion:
    question: str
    kind: str  # one of KINDS
    see_also: str | None = None  # slug of another demo lesson that does cover it


@dataclass(frozen=True)
class EvalLesson:
    lesson: str  # lesson slug
    answerable: tuple[AnswerableQuestion, ...]
    unanswerable: tuple[UnanswerableQuestion, ...]


def load_demo_set(path: str | Path) -> list[EvalLesson]:
    """Read an evaluation set file and return its lessons; raise ValueError naming the first bad entry."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: broken YAML: {error}") from None
    _expect_keys(data, "the file", required={"lessons"})
    if not isinstance(data["lessons"], list) or not data["lessons"]:
        raise ValueError("lessons: expected a non-empty list of lessons")
    lessons, seen = [], set()
    for index, entry in enumerate(data["lessons"]):
        lesson = _read_lesson(entry, f"lessons[{index}]")
        if lesson.lesson in seen:
            raise ValueError(f"lessons[{index}]: lesson {lesson.lesson!r} appears twice")
        seen.add(lesson.lesson)
        lessons.append(lesson)
    return lessons


def _read_lesson(entry: Any, where: str) -> EvalLesson:
    _expect_keys(entry, where, required={"lesson", "answerable", "unanswerable"})
    slug = _text(entry["lesson"], f"{where}.lesson")
    where = f"{where} ({slug})"
    answerable = tuple(_read_answerable(item, f"{where} answerable[{i}]") for i, item in enumerate(_items(entry, "answerable", where)))
    unanswerable = tuple(_read_unanswerable(item, f"{where} unanswerable[{i}]") for i, item in enumerate(_items(entry, "unanswerable", where)))
    questions = [item.question for item in (*answerable, *unanswerable)]
    repeated = sorted({question for question in questions if questions.count(question) > 1})
    if repeated:
        raise ValueError(f"{where}: question asked twice: {repeated[0]!r}")
    return EvalLesson(lesson=slug, answerable=answerable, unanswerable=unanswerable)


def _read_answerable(item: Any, where: str) -> AnswerableQuestion:
    _expect_keys(item, where, required={"question", "facts", "section"})
    question = _text(item["question"], f"{where}.question")
    where = f"{where} {question!r}"
    facts = item["facts"]
    if not isinstance(facts, list) or not facts:
        raise ValueError(f"{where}: facts must be a non-empty list of facts, each a list of alternatives")
    for fact in facts:
        if not isinstance(fact, list) or not fact or not all(isinstance(alternative, str) and alternative.strip() for alternative in fact):
            raise ValueError(f"{where}: each fact must be a non-empty list of non-empty strings, got {fact!r}")
    section = item["section"]
    if not isinstance(section, str):
        raise ValueError(f"{where}: section must be a section anchor (a string), got {section!r}")
    return AnswerableQuestion(question=question, facts=tuple(tuple(fact) for fact in facts), section=section)


def _read_unanswerable(item: Any, where: str) -> UnanswerableQuestion:
    _expect_keys(item, where, required={"question", "kind"}, optional={"see_also"})
    question = _text(item["question"], f"{where}.question")
    where = f"{where} {question!r}"
    if item["kind"] not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}, got {item['kind']!r}")
    see_also = item.get("see_also")
    if see_also is not None:
        see_also = _text(see_also, f"{where}.see_also")
    return UnanswerableQuestion(question=question, kind=item["kind"], see_also=see_also)


def _expect_keys(item: Any, where: str, *, required: set[str], optional: frozenset[str] | set[str] = frozenset()) -> None:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping with {', '.join(sorted(required))}")
    missing, unknown = required - item.keys(), item.keys() - required - optional
    if missing:
        raise ValueError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise ValueError(f"{where}: unknown key {', '.join(sorted(map(str, unknown)))}")


def _items(entry: dict, key: str, where: str) -> list:
    if not isinstance(entry[key], list):
        raise ValueError(f"{where}: {key} must be a list of questions")
    return entry[key]


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected non-empty text, got {value!r}")
    return value
