"""A learner's conversation with the tutor on one lesson, kept in their session on the server.

Server-side, so a follow-up works the same with htmx and with plain forms: the page
never has to send the history back. Only the last few turns of the last few lessons
are kept; "Start over" forgets a lesson's turns.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lessons.models import Lesson
from tutor.replies import TutorReply

SESSION_FIELD = "tutor"
KEPT_TURNS = 6  # shown on the page; the engine reads the last few of them (services.MAX_HISTORY_TURNS)
KEPT_LESSONS = 20


def _stored(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    return session.get(SESSION_FIELD, {}) if session is not None else {}


def turns(request: HttpRequest, lesson: Lesson) -> list[dict[str, Any]]:
    """Return the conversation on this lesson: each turn is the question and the reply's JSON."""
    return list(_stored(request).get("lessons", {}).get(lesson.slug, []))


def history(conversation: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Return the conversation as the history the tutor reads: question and answer of each turn."""
    return [{"question": turn["question"], "answer": turn["answer"]} for turn in conversation]


def has_seen_notice(request: HttpRequest) -> bool:
    """Whether this learner has asked before, and so has read what the tutor is and how long questions are kept."""
    return bool(_stored(request).get("seen_notice"))


def begin(request: HttpRequest) -> None:
    """Note that this learner is asking (so has read the notice): the session then exists before an answer is saved in it."""
    stored = _stored(request)
    request.session[SESSION_FIELD] = {**stored, "seen_notice": True}


def remember(request: HttpRequest, lesson: Lesson, question: str, reply: TutorReply) -> dict[str, Any]:
    """Add a turn to the lesson's conversation; return it."""
    stored = _stored(request)
    lessons = dict(stored.get("lessons", {}))
    turn = {"question": question, **reply.to_json()}
    kept = [*lessons.pop(lesson.slug, []), turn][-KEPT_TURNS:]
    lessons[lesson.slug] = kept  # last in the dict: the lesson talked about most recently
    while len(lessons) > KEPT_LESSONS:
        lessons.pop(next(iter(lessons)))
    request.session[SESSION_FIELD] = {"seen_notice": True, "lessons": lessons}
    return turn


def forget(request: HttpRequest, lesson: Lesson) -> None:
    """Clear the lesson's conversation (the learner pressed "Start over")."""
    stored = _stored(request)
    if lesson.slug in stored.get("lessons", {}):
        lessons = {slug: kept for slug, kept in stored["lessons"].items() if slug != lesson.slug}
        request.session[SESSION_FIELD] = {**stored, "lessons": lessons}
