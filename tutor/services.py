"""Asking the tutor: check the question, pick the engine, point elsewhere, keep a log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from itertools import combinations

from django.conf import settings
from django.utils import timezone

from lessons.models import Lesson
from lessons.search import LessonSearch, search_words
from tutor.about import about_reply
from tutor.engines import Engine, OfflineEngine, Turn
from tutor.index import lesson_text
from tutor.models import AskedQuestion
from tutor.offline import judge
from tutor.quiz import quiz_reply
from tutor.replies import Reason, SeeAlso, TutorReply

MAX_QUESTION_CHARS = 1000
MAX_HISTORY_TURNS = 4
MAX_SEE_ALSO = 2
SEE_ALSO_CANDIDATES = 6


class TutorInputError(ValueError):
    """A question the tutor will not take, with a message fit for the learner."""


def clean_question(question: object) -> str:
    """Return the question stripped, or raise TutorInputError saying what is wrong with it."""
    if not isinstance(question, str) or not question.strip():
        raise TutorInputError("Type a question about this lesson.")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise TutorInputError(f"Keep your question under {MAX_QUESTION_CHARS:,} characters.")
    return question


def clean_history(history: object) -> list[Turn]:
    """Return the last few well-formed turns of a history list; raise TutorInputError when it is not a list of turns."""
    if history in (None, ""):
        return []
    if not isinstance(history, list):
        raise TutorInputError("history must be a list of earlier turns.")
    turns = []
    for item in history[-MAX_HISTORY_TURNS:]:
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise TutorInputError("Each history turn needs a question (and optionally the answer given).")
        answer = item.get("answer", "")
        if not isinstance(answer, str):
            raise TutorInputError("A history turn's answer must be text.")
        turns.append(Turn(question=item["question"][:MAX_QUESTION_CHARS], answer=answer[:4000]))
    return turns


def model_configured() -> bool:
    """Whether the settings name an OpenAI-compatible model to write the answers."""
    return bool(settings.TUTOR_BASE_URL and settings.TUTOR_MODEL)


def configured_engine() -> Engine:
    """The engine the settings ask for: an OpenAI-compatible model when configured, else offline."""
    if model_configured():
        from tutor.llm import OpenAICompatibleEngine

        return OpenAICompatibleEngine.from_settings()
    return OfflineEngine()


def ask(
    lesson: Lesson,
    question: object,
    history: object = None,
    *,
    user=None,
    browser_key: str = "",
    engine: Engine | None = None,
    log: bool = True,
) -> TutorReply:
    """Answer a question about one lesson from that lesson's text only.

    The learner (user, or else the anonymous browser_key) matters for the quiz: a
    question of their unfinished attempt gets a pointer, one they missed a review.
    Raises TutorInputError for an empty, oversized or malformed question.
    """
    # Without a preview, the one thing the answer yields is the reply.
    (reply,) = ask_streaming(lesson, question, history, user=user, browser_key=browser_key, engine=engine, log=log, preview=False)
    return reply


def ask_streaming(
    lesson: Lesson,
    question: object,
    history: object = None,
    *,
    user=None,
    browser_key: str = "",
    engine: Engine | None = None,
    log: bool = True,
    preview: bool = True,
) -> Iterator[str | TutorReply]:
    """Like ask(), but yield the sentences of the answer as an engine that streams writes
    them (a preview, already grounded), then the TutorReply, always last.

    The question is checked before anything is yielded: TutorInputError comes at once.
    """
    started = time.perf_counter()
    question = clean_question(question)
    turns = clean_history(history)
    return _answering(lesson, question, turns, started, user=user, browser_key=browser_key, engine=engine, log=log, preview=preview)


def _answering(
    lesson: Lesson,
    question: str,
    turns: list[Turn],
    started: float,
    *,
    user,
    browser_key: str,
    engine: Engine | None,
    log: bool,
    preview: bool,
) -> Iterator[str | TutorReply]:
    text = lesson_text(lesson)
    reply = quiz_reply(lesson=lesson, text=text, question=question, user=user, browser_key=browser_key)
    if reply is None:
        reply = about_reply(text, question, has_history=bool(turns))
    if reply is None:
        engine = engine or configured_engine()
        if preview and hasattr(engine, "stream"):
            for piece in engine.stream(text, question, turns):
                if isinstance(piece, TutorReply):
                    reply = piece
                else:
                    yield piece
        else:
            reply = engine.reply(text, question, turns)
    if reply.reason == Reason.NOT_COVERED:
        reply = replace(reply, see_also=lessons_that_cover(lesson, question))
        if reply.see_also:
            titles = " or ".join(f"“{item.title}”" for item in reply.see_also)
            reply.answer = f"{reply.answer} It's covered in {titles}."
    reply.latency_ms = round((time.perf_counter() - started) * 1000)
    if log:
        AskedQuestion.objects.create(
            lesson=lesson,
            user=user if user is not None and user.is_authenticated else None,
            question=question,
            covered=reply.covered,
            reason=reply.reason,
            engine=reply.engine,
            sections=[citation.anchor for citation in reply.citations],
            latency_ms=reply.latency_ms,
        )
    yield reply


def lessons_that_cover(lesson: Lesson, question: str) -> list[SeeAlso]:
    """Return other published lessons whose own text answers the question (by the offline judgement)."""
    found = []
    for other in _candidate_lessons(question):
        if other.pk == lesson.pk:
            continue
        if judge(lesson_text(other), question).covered:
            found.append(SeeAlso(slug=other.slug, title=other.title, url=other.get_absolute_url()))
            if len(found) == MAX_SEE_ALSO:
                break
    return found


def _candidate_lessons(question: str) -> list[Lesson]:
    """Lessons that contain all of the question's words; failing that, pairs of its longest words."""
    words = search_words(question)
    candidates = {lesson.pk: lesson for lesson in LessonSearch(words)[:SEE_ALSO_CANDIDATES]}
    if len(candidates) < SEE_ALSO_CANDIDATES:
        specific = sorted(words, key=len, reverse=True)[:4]
        for first, second in combinations(specific, 2):
            for lesson in LessonSearch([first, second])[:3]:
                candidates.setdefault(lesson.pk, lesson)
    return list(candidates.values())[: SEE_ALSO_CANDIDATES * 2]


def delete_old_questions(*, days: int, batch: int = 1000) -> int:
    """Delete logged questions asked more than the given days ago; return how many."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    # In batches, so a first run over a large backlog holds no long lock; running twice deletes nothing more.
    while ids := list(AskedQuestion.objects.filter(asked_at__lt=cutoff).values_list("id", flat=True)[:batch]):
        deleted += AskedQuestion.objects.filter(id__in=ids).delete()[0]
    return deleted
