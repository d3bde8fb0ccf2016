"""SQuAD 2.0 style question files: each passage read as a one-section lesson.

A line is {"id", "title", "context", "question", "answers"}; empty answers mean the
passage does not answer the question. Used to train the answerability model
(tutor_train) and to measure the offline engine on text nobody here wrote (tutor_eval).
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

from tutor.passages import LessonText, build_lesson_text


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    title: str
    context: str
    question: str
    answers: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def load_squad(path: Path) -> list[SquadQuestion]:
    """Read a SQuAD-style JSON-lines file; raise ValueError naming the line when one is malformed."""
    questions = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                questions.append(SquadQuestion(str(row["id"]), row["title"], row["context"], row["question"], tuple(row["answers"])))
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}, line {number}: not a question record ({error})") from error
    return questions


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that reads back as the same words (no emphasis, code or tables)."""
    return re.sub(r"([\\`*_#<>\[\]|])", r"\\\1", text)


def passage_lesson(question: SquadQuestion, cache: dict[str, LessonText]) -> LessonText:
    """Return the passage of a question as a one-section lesson (built once per passage)."""
    if question.context not in cache:
        title = question.title.replace("_", " ")
        cache[question.context] = build_lesson_text(title, "", [(title, "passage", escape_markdown(question.context))], [])
    return cache[question.context]


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def normalise_answer(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


def covers(reply: str, answers: tuple[str, ...]) -> bool:
    """Return True when the reply contains one of the gold answers."""
    haystack = f" {normalise_answer(reply)} "
    return any(f" {normalise_answer(answer)} " in haystack for answer in answers if normalise_answer(answer))
