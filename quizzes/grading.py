"""Grading one answer to one question: plain functions, no database.

An answer is judged against the question as authored. A given answer that cannot be an
answer to the question at all (a choice that is not offered, words where a number is
asked) is refused with InvalidAnswer, so a typo or a forged request never counts as a
graded attempt.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_TRUE_WORDS = {"true", "yes", "1", "t", "y"}
_FALSE_WORDS = {"false", "no", "0", "f", "n"}
MAX_ANSWER_CHARACTERS = 500


class InvalidAnswer(ValueError):
    """The given answer does not fit the question; the message says why, for the learner."""


@dataclass(frozen=True)
class Question:
    """What grading needs of a question (the model has these fields under the same names)."""

    kind: str
    choices: Sequence[str]
    answer: Any
    tolerance: float | None = None


def normalise_text(text: str) -> str:
    """Return text compared the way short answers are: case, spacing and Unicode forms ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def clean_answer(question: Question, given: Any) -> Any:
    """Return the given answer in the form grading compares, or raise InvalidAnswer."""
    kind = question.kind
    if kind == "single":
        choice = _text(given)
        if choice not in question.choices:
            raise InvalidAnswer(f"{_shorten(choice)!r} is not one of this question's choices.")
        return choice
    if kind == "multiple":
        items = [given] if isinstance(given, str) else given
        if not isinstance(items, list | tuple) or not items:
            raise InvalidAnswer("Choose at least one of the choices.")
        chosen = [_text(item) for item in items]
        unknown = [item for item in chosen if item not in question.choices]
        if unknown:
            raise InvalidAnswer(f"{_shorten(unknown[0])!r} is not one of this question's choices.")
        return sorted(set(chosen), key=list(question.choices).index)
    if kind == "true_false":
        return _boolean(given)
    if kind == "number":
        return _number(given)
    if kind == "text":
        text = _text(given)
        if not normalise_text(text):
            raise InvalidAnswer("Type an answer.")
        return text
    raise InvalidAnswer(f"This question has an unknown type {kind!r}.")


def is_correct(question: Question, given: Any) -> bool:
    """Grade one answer (cleaned by clean_answer first); return whether it is right."""
    cleaned = clean_answer(question, given)
    kind = question.kind
    if kind == "single":
        return cleaned == question.answer
    if kind == "multiple":
        return set(cleaned) == set(question.answer)  # a partial selection is wrong
    if kind == "true_false":
        return cleaned is bool(question.answer)
    if kind == "number":
        tolerance = question.tolerance or 0.0
        expected = float(question.answer)
        # A hair of slack for decimals that binary floats cannot hold exactly (0.1 + 0.2).
        return abs(cleaned - expected) <= tolerance + 1e-9 * max(1.0, abs(expected))
    accepted = {normalise_text(text) for text in question.answer}
    return normalise_text(cleaned) in accepted


def _text(given: Any) -> str:
    if isinstance(given, bool) or not isinstance(given, str | int | float):
        raise InvalidAnswer("Give the answer as text.")
    text = str(given)
    if len(text) > MAX_ANSWER_CHARACTERS:
        raise InvalidAnswer(f"Answers are at most {MAX_ANSWER_CHARACTERS} characters.")
    return text


def _boolean(given: Any) -> bool:
    if isinstance(given, bool):
        return given
    if isinstance(given, str):
        word = given.strip().casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise InvalidAnswer("Answer true or false.")


def _number(given: Any) -> float:
    if isinstance(given, bool):
        raise InvalidAnswer("Give a number, like 42 or 3.5.")
    if isinstance(given, int | float):
        number = float(given)
    else:
        text = _text(given).strip().replace("\u2212", "-").replace("_", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise InvalidAnswer("Give a number, like 42 or 3.5.") from None
    if not math.isfinite(number):
        raise InvalidAnswer("Give a finite number.")
    return number


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
