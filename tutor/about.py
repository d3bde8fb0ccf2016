"""Replies about the lesson as a whole, and to what learners type that is not a question.

"What is this lesson about?" and "what are the key terms?" are answered from the lesson
map (its big idea, its learning path, its key terms), so these replies are as grounded as
any other. "Hi", "thanks", "I don't get it" and a lone "??" get a friendly word and an
invitation to ask, never a claim, and are not logged as questions the lesson misses.
They are recognised before any engine runs, so every engine gives the same replies.
"""

from __future__ import annotations

import re

from tutor.offline import CLARIFY_WORDS
from tutor.passages import (
    BIG_IDEA_ANCHOR,
    BIG_IDEA_TITLE,
    EXERCISE_ANCHOR,
    INTRO_ANCHOR,
    KEY_TERMS_ANCHOR,
    KEY_TERMS_TITLE,
    LEARNING_PATH_ANCHOR,
    LessonText,
)
from tutor.replies import Citation, Reason, TutorReply
from tutor.text import content_stems

ENGINE = "lesson"

GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening))(?: there| tutor| everyone)?[\s!.,:)]*$", re.IGNORECASE
)
THANKS = re.compile(
    r"^(?:(?:ok|okay|great|cool|nice|perfect|awesome|got it|that helps|that helped)[\s,!.]*)?"
    r"(?:thanks|thank you|thx|ty|cheers|much appreciated)(?: (?:a lot|so much|very much|again))?[\s!.,:)]*$",
    re.IGNORECASE,
)

# Words of a question about the lesson as a whole. A question made only of these (and
# of words that carry no meaning) asks for the overview; one more word, such as "what
# does the lesson say about merges?", makes it a question about something in the lesson.
_ABOUT = "lesson page topic cover covers covered teach teaches learn learning here today about tell explain short brief quick give"
OVERVIEW_WORDS = frozenset(
    content_stems(f"{_ABOUT} summary summarise summarize overview recap tldr tl dr gist big idea main key point points message takeaway")
)
OVERVIEW_SIGNS = frozenset(content_stems("lesson summary summarise summarize overview recap tldr tl gist idea point points takeaway learn"))
TERM_WORDS = frozenset(content_stems(f"{_ABOUT} key main important term terms concept concepts glossary vocabulary word words know list"))
TERM_SIGNS = frozenset(content_stems("term terms concept concepts glossary vocabulary"))


def about_reply(lesson: LessonText, question: str, *, has_history: bool) -> TutorReply | None:
    """Return the reply to a greeting, thanks, an overview or key-terms question, or a bare
    request for help; None for a question the engines should answer."""
    if GREETING.match(question):
        return _small_talk(f"Hi! Ask me anything about “{lesson.title}”. I answer from the lesson's own text and show you where it says so.")
    if THANKS.match(question):
        return _small_talk("You're welcome! Ask another question whenever you like.")
    stems = set(content_stems(question))
    if stems and stems <= OVERVIEW_WORDS and stems & OVERVIEW_SIGNS:
        return overview(lesson)
    if stems and stems <= TERM_WORDS and stems & TERM_SIGNS and lesson.key_terms:
        return key_terms(lesson)
    if has_history:
        return None  # "why?", "I don't get it": a follow-up to the last question
    if not stems:
        return _small_talk(f"I didn't catch a question there. Ask me about anything in “{lesson.title}”.")
    if stems <= CLARIFY_WORDS:
        return _small_talk(
            f"Which part shall I explain? Ask about a step, {_a_term(lesson)}or a sentence of “{lesson.title}” you'd like to understand."
        )
    return None


def overview(lesson: LessonText) -> TutorReply:
    """The lesson in brief: its big idea and the path of its sections."""
    steps = [ref.title for ref in lesson.sections if ref.anchor not in (INTRO_ANCHOR, BIG_IDEA_ANCHOR, EXERCISE_ANCHOR, KEY_TERMS_ANCHOR)]
    has_exercise = any(ref.anchor == EXERCISE_ANCHOR for ref in lesson.sections)
    parts, citations = [], []
    if lesson.big_idea:
        parts.append(f"In short: {lesson.big_idea}")
        citations.append(Citation(section=BIG_IDEA_TITLE, anchor=BIG_IDEA_ANCHOR, quote=lesson.big_idea))
    if steps:
        path = _listed([f"“{step}”" for step in steps])
        ending = ", then an applied exercise" if has_exercise else ""
        parts.append(f"“{lesson.title}” goes step by step through {path}{ending}.")
        citations.append(Citation(section="Learning path", anchor=LEARNING_PATH_ANCHOR, quote="; ".join(steps)))
    elif not parts:
        return _small_talk(f"This is “{lesson.title}”. Ask me about anything in it.")
    return TutorReply(answer=" ".join(parts), covered=True, reason=Reason.ANSWERED, engine=ENGINE, citations=citations)


def key_terms(lesson: LessonText) -> TutorReply:
    terms = [term for term, _definition in lesson.key_terms]
    answer = f"The key terms of this lesson are {_listed(terms)}. Ask about any of them and I'll give you its definition."
    citation = Citation(section=KEY_TERMS_TITLE, anchor=KEY_TERMS_ANCHOR, quote="; ".join(terms))
    return TutorReply(answer=answer, covered=True, reason=Reason.ANSWERED, engine=ENGINE, citations=[citation])


def _small_talk(answer: str) -> TutorReply:
    return TutorReply(answer=answer, covered=False, reason=Reason.SMALL_TALK, engine=ENGINE)


def _a_term(lesson: LessonText) -> str:
    return f"a term such as “{lesson.key_terms[0][0]}”, " if lesson.key_terms else ""


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
