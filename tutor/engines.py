"""Answer engines: each turns a lesson and a question into a TutorReply.

The offline engine is the default and the fallback: it needs no key and no network.
Any engine answers only from LessonText, the lesson's own passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from tutor.offline import Judgement, judge
from tutor.passages import ROW, LessonText, Passage
from tutor.replies import Citation, Reason, TutorReply

NOT_COVERED = "This lesson doesn't cover that, so I won't guess."
STEERING = "I can only answer questions about this lesson, from what it says. Ask me about anything in it!"


@dataclass(frozen=True)
class Turn:
    """One earlier exchange on the page, for follow-up questions."""

    question: str
    answer: str


class Engine(Protocol):
    name: str

    def reply(self, lesson: LessonText, question: str, history: list[Turn]) -> TutorReply: ...


def citations_for(lesson: LessonText, passages: list[Passage]) -> list[Citation]:
    """Group passages by section, in lesson order: one citation per section, quoting its passages."""
    by_section: dict[int, list[str]] = {}
    for passage in passages:
        by_section.setdefault(passage.section, []).append(passage.text)
    return [
        Citation(section=lesson.sections[index].title, anchor=lesson.sections[index].anchor, quote=" ".join(texts))
        for index, texts in sorted(by_section.items())
    ]


def history_context(history: list[Turn]) -> str:
    """The last question asked, which gives a short follow-up its subject."""
    return history[-1].question if history else ""


class OfflineEngine:
    """Extractive answers: the lesson's best-supported sentences, introduced in a friendly voice."""

    name = "offline"

    def reply(self, lesson: LessonText, question: str, history: list[Turn]) -> TutorReply:
        judgement = judge(lesson, question, context=history_context(history))
        return self.compose(lesson, judgement)

    def compose(self, lesson: LessonText, judgement: Judgement) -> TutorReply:
        if judgement.steering:
            return TutorReply(answer=STEERING, covered=False, reason=Reason.STEERING, engine=self.name)
        if not judgement.covered:
            return TutorReply(answer=NOT_COVERED, covered=False, reason=Reason.NOT_COVERED, engine=self.name)
        passages = judgement.passages  # already chosen to fit a short answer
        citations = citations_for(lesson, passages)
        where = " and ".join(f"“{citation.section}”" for citation in citations)
        said = " ".join(_as_sentence(lesson, passage) for passage in passages)
        return TutorReply(
            answer=f"Here's what the lesson says in {where}: {said}", covered=True, reason=Reason.ANSWERED, engine=self.name, citations=citations
        )


def _as_sentence(lesson: LessonText, passage: Passage) -> str:
    text = passage.text.strip()
    if passage.is_definition:
        term, _, definition = text.partition(": ")
        if DEFINES.match(definition):  # "NaN: A marker for..." reads as "“NaN” is a marker for..."
            text = f"“{term}” is {definition[0].lower()}{definition[1:]}"
    elif passage.kind == ROW:
        return _row_sentence(lesson, passage)
    # A sentence may end inside its closing quote: 'He said "stop."'
    return text if text.rstrip(CLOSING_MARKS)[-1:] in ".!?:" else f"{text}."


def _row_sentence(lesson: LessonText, row: Passage) -> str:
    """A table row as a sentence, each cell named by its column: "choice: fill with 0; code: fillna(0)."."""
    cells = row.text.split(" | ")
    index = lesson.passages.index(row)
    first = lesson.table_start(index)
    header = lesson.passages[first].text.split(" | ")
    if first == index or len(header) != len(cells):
        return f"{cells[0]}: {', '.join(cells[1:])}." if len(cells) > 1 else f"{cells[0]}."
    return "; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(header, cells, strict=True)) + "."


DEFINES = re.compile(r"(?:A|An|The) ")
CLOSING_MARKS = "\"')\u201d\u2019"  # straight and curly closing quotes, a closing bracket
