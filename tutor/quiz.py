"""The tutor knows the quiz: it points to the section rather than answer an open quiz question, and explains missed ones after.

While a learner's attempt is unfinished, a question that is one of its quiz's questions
gets the section to read, never the answer: not the right choice, not the explanation,
not a quote of the lesson (which might hold the answer word for word). Once the attempt
is finished, a question about one the learner got wrong gets the author's explanation
and the lesson's passages of the section it points to.
"""

from __future__ import annotations

from lessons.models import Lesson
from quizzes.models import Question
from quizzes.services import learner_questions, sections_by_heading
from tutor.passages import LessonText, SectionRef
from tutor.replies import Citation, Reason, TutorReply
from tutor.text import content_stems

ENGINE = "quiz"
# How alike a question and a quiz prompt must be (Dice coefficient of their stems).
MATCH_AT_LEAST = 0.6
REVIEW_PASSAGES = 2
# Words that say a question is about the quiz rather than what it asks: "why was my answer to ... wrong?"
QUIZ_TALK = frozenset(
    content_stems("quiz question questions answer answered answers wrong right correct incorrect mistake missed got mark marked score")
)


def quiz_reply(*, lesson: Lesson, text: LessonText, question: str, user=None, browser_key: str = "") -> TutorReply | None:
    """Return a pointer or a review when the question is one of the learner's quiz questions, else None."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not browser_key:
        return None  # no attempt can be theirs: spare the queries
    standing = learner_questions(lesson=lesson, user=user if signed_in else None, browser_key=browser_key)
    if standing.unfinished:
        matched = matching_question(question, standing.unfinished)
        return pointer(lesson, text, matched) if matched else None
    if standing.missed:
        matched = matching_question(question, standing.missed)
        return review(lesson, text, matched) if matched else None
    return None


def matching_question(asked: str, questions: list[Question]) -> Question | None:
    """Return the quiz question whose prompt the asked question repeats (most alike first), or None."""
    asked_stems = set(content_stems(asked)) - QUIZ_TALK
    best, best_score = None, 0.0
    for question in questions:
        prompt_stems = set(content_stems(question.prompt))
        shared = asked_stems & prompt_stems
        if not shared or (len(shared) < 2 and len(prompt_stems) > 1):
            continue  # one shared word says nothing when the prompt has more
        score = 2 * len(shared) / (len(asked_stems) + len(prompt_stems))
        if score > best_score:
            best, best_score = question, score
    return best if best_score >= MATCH_AT_LEAST else None


def pointer(lesson: Lesson, text: LessonText, question: Question) -> TutorReply:
    section = _section(lesson, text, question)
    if section is None:
        answer = (
            "That's one of the questions in your quiz, so I won't answer it while your attempt is open. "
            "The lesson has what you need: read it again, then give it your best try."
        )
        return TutorReply(answer=answer, covered=True, reason=Reason.QUIZ_POINTER, engine=ENGINE)
    answer = f"That's one of the questions in your quiz, so I won't answer it while your attempt is open. Read “{section.title}” again: it has what you need."
    # No quote: the lesson's own sentences may hold the answer word for word.
    citation = Citation(section=section.title, anchor=section.anchor, quote="")
    return TutorReply(answer=answer, covered=True, reason=Reason.QUIZ_POINTER, engine=ENGINE, citations=[citation])


def review(lesson: Lesson, text: LessonText, question: Question) -> TutorReply | None:
    section = _section(lesson, text, question)
    explanation = question.explanation.strip()
    if section is None and not explanation:
        return None  # nothing of the author's to go on: the engine answers from the lesson
    parts = [f"You missed this one in your quiz (“{question.prompt}”)."]
    if explanation:
        parts.append(explanation)
    citations = []
    if section is not None:
        parts.append(f"The lesson explains it in “{section.title}”.")
        quote = " ".join(_section_passages(text, section, f"{question.prompt} {explanation}"))
        citations.append(Citation(section=section.title, anchor=section.anchor, quote=quote))
    return TutorReply(answer=" ".join(parts), covered=True, reason=Reason.QUIZ_REVIEW, engine=ENGINE, citations=citations)


def _section(lesson: Lesson, text: LessonText, question: Question) -> SectionRef | None:
    """The lesson section a quiz question names, as the tutor's text knows it (title as plain text)."""
    section = sections_by_heading(lesson).get(question.section_heading) if question.section_heading else None
    if section is None:
        return None
    return next((ref for ref in text.sections if ref.anchor == section.anchor), SectionRef(section.heading, section.anchor))


def _section_passages(text: LessonText, section: SectionRef, about: str) -> list[str]:
    """The section's passages that share most words with what the question is about, in lesson order."""
    wanted = set(content_stems(about))
    index = text.sections.index(section) if section in text.sections else -1
    scored = [(len(wanted & set(passage.stems)), position) for position, passage in enumerate(text.passages) if passage.section == index]
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:REVIEW_PASSAGES]
    return [text.passages[position].text for score, position in sorted(best, key=lambda item: item[1]) if score]
