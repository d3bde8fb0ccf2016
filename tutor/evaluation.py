"""Measure the tutor: the demo course's question set, and SQuAD 2.0 style files.

Demo course: an answerable question counts as answered when the reply is marked
covered, contains every fact (any of its alternatives), and cites the section that
holds them; an unanswerable one counts as refused when the reply is not covered.
SQuAD: each passage is a one-section lesson; answered means the reply covers a gold
answer, refused means the reply says the lesson does not cover the question.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from lessons.models import Lesson
from tutor.engines import Engine, OfflineEngine
from tutor.evalset import load_demo_set
from tutor.passages import LessonText
from tutor.services import ask
from tutor.squad import covers, load_squad, passage_lesson


@dataclass
class Score:
    answerable: int = 0
    answered: int = 0  # covered, with every fact, citing the right section
    with_facts: int = 0  # covered, with every fact
    cited_right: int = 0  # covered, citing the right section
    unanswerable: int = 0
    refused: int = 0
    see_also_expected: int = 0
    see_also_found: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def answered_share(self) -> float:
        return self.answered / self.answerable if self.answerable else 0.0

    @property
    def refused_share(self) -> float:
        return self.refused / self.unanswerable if self.unanswerable else 0.0

    def latency(self, share: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


class MissingLesson(LookupError):
    pass


def evaluate_demo(path: Path, *, engine: Engine | None = None) -> Score:
    """Ask every question of the demo set through the tutor service, against the lessons in the database."""
    score = Score()
    for entry in load_demo_set(path):
        lesson = Lesson.objects.filter(slug=entry.lesson, is_archived=False).first()
        if lesson is None:
            raise MissingLesson(f"Lesson {entry.lesson!r} is not in the database: import the demo course first (manage.py import_content content).")
        for item in entry.answerable:
            started = time.perf_counter()
            reply = ask(lesson, item.question, engine=engine, log=False)
            score.latencies_ms.append((time.perf_counter() - started) * 1000)
            score.answerable += 1
            facts = reply.covered and item.is_answered_by(reply.answer)
            cited = reply.covered and any(citation.anchor == item.section for citation in reply.citations)
            score.with_facts += facts
            score.cited_right += cited
            score.answered += facts and cited
            if not (facts and cited):
                score.misses.append(f"[{entry.lesson}] not answered: {item.question}")
        for item in entry.unanswerable:
            started = time.perf_counter()
            reply = ask(lesson, item.question, engine=engine, log=False)
            score.latencies_ms.append((time.perf_counter() - started) * 1000)
            score.unanswerable += 1
            score.refused += not reply.covered
            if reply.covered:
                score.misses.append(f"[{entry.lesson}] not refused ({item.kind}): {item.question}")
            if item.see_also:
                score.see_also_expected += 1
                score.see_also_found += any(other.slug == item.see_also for other in reply.see_also)
    return score


def evaluate_squad(path: Path, *, engine: Engine | None = None) -> Score:
    """Ask every question of a SQuAD-style file of its own passage, read as a one-section lesson."""
    engine = engine or OfflineEngine()
    score = Score()
    cache: dict[str, LessonText] = {}
    for question in load_squad(path):
        lesson = passage_lesson(question, cache)
        started = time.perf_counter()
        reply = engine.reply(lesson, question.question, [])
        score.latencies_ms.append((time.perf_counter() - started) * 1000)
        if question.answerable:
            score.answerable += 1
            right = reply.covered and covers(reply.answer, question.answers)
            score.answered += right
            score.with_facts += right
        else:
            score.unanswerable += 1
            score.refused += not reply.covered
    return score
