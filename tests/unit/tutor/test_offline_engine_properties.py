"""Whatever a learner types, and whatever an author writes, the offline engine answers calmly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.tutor.test_offline_engine import TIDES
from tutor.engines import OfflineEngine, Turn
from tutor.passages import LessonText, build_lesson_text

questions = st.text(st.characters(blacklist_categories=["Cs"]), max_size=1000)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions, earlier=st.lists(questions, max_size=3))
def test_any_question_gets_a_reply_that_quotes_only_the_lesson(question, earlier):
    reply = OfflineEngine().reply(TIDES, question, [Turn(text, "") for text in earlier])
    assert isinstance(reply.answer, str)
    assert reply.answer
    anchors = [ref.anchor for ref in TIDES.sections]
    for citation in reply.citations:
        section = anchors.index(citation.anchor)
        rest = citation.quote
        for passage in TIDES.passages:
            if passage.section == section:
                rest = rest.replace(passage.text, "")
        assert citation.quote
        assert not rest.strip(), "a quote holds only the lesson's own passages"
    if not reply.covered:
        assert reply.citations == []


@settings(max_examples=200, deadline=None)
@given(markdown=st.text(max_size=600), heading=st.text(min_size=1, max_size=40), question=questions)
def test_any_lesson_text_can_be_read_and_asked(markdown, heading, question):
    lesson = build_lesson_text("Anything", markdown, [(heading, "anything", markdown)], [("term", markdown[:50] or "x")])
    again = LessonText.from_json(lesson.to_json())
    assert again.passages == lesson.passages
    OfflineEngine().reply(lesson, question, [])
