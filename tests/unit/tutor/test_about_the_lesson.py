"""Questions about the lesson as a whole, and what learners type that is not a question."""

from __future__ import annotations

import pytest

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from tutor.models import AskedQuestion
from tutor.services import ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def tides(science_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_catalog(science_course)
    return Lesson.objects.get(slug="tides")


@pytest.mark.parametrize(
    "question", ["What is this lesson about?", "summarise the lesson", "What will I learn here?", "what's the big idea?", "tl;dr?"]
)
def test_an_overview_question_gets_the_big_idea_and_the_learning_path(tides, question):
    reply = ask(tides, question)
    assert reply.covered
    assert (reply.reason, reply.engine) == ("answered", "lesson")
    assert "Tides are the ocean answering the Moon's pull." in reply.answer
    assert "“What pulls the water” and “Reading a tide table”" in reply.answer
    assert [citation.anchor for citation in reply.citations] == ["lesson-big-idea", "learning-path-title"]


def test_the_overview_links_to_ids_the_lesson_page_has(tides, client):
    html = client.get(tides.get_absolute_url()).content.decode()
    for citation in ask(tides, "What is this lesson about?").citations:
        assert f'id="{citation.anchor}"' in html


def test_a_key_terms_question_lists_the_terms(tides):
    reply = ask(tides, "What are the key terms?")
    assert reply.covered
    assert "neap tide" in reply.answer
    assert [citation.anchor for citation in reply.citations] == ["key-terms-title"]


def test_a_question_about_something_in_the_lesson_is_not_taken_for_the_overview(tides):
    reply = ask(tides, "What does this lesson say about a tide table?")
    assert reply.engine == "offline"
    assert reply.covered
    assert [citation.anchor for citation in reply.citations] == ["reading-a-tide-table"]


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("hi", "Hi! Ask me anything about “Why the sea has tides”"),
        ("Hello there!", "Hi!"),
        ("thanks!", "You're welcome!"),
        ("ok, thank you so much", "You're welcome!"),
        ("??", "I didn't catch a question there."),
        ("I don't understand", "Which part shall I explain?"),
        ("give me an example", "Which part shall I explain?"),
    ],
)
def test_small_talk_gets_a_friendly_invitation_and_no_claim(tides, question, says):
    reply = ask(tides, question)
    assert reply.answer.startswith(says)
    assert (reply.covered, reply.reason, reply.engine) == (False, "small-talk", "lesson")
    assert reply.citations == []
    assert reply.see_also == []
    assert AskedQuestion.objects.get().reason == "small-talk"  # kept apart from the questions the lesson misses


def test_after_an_answer_a_request_to_explain_is_a_follow_up(tides):
    history = [{"question": "What pulls the ocean?", "answer": "The Moon's gravity..."}]
    reply = ask(tides, "I don't understand", history)
    assert reply.engine == "offline"
    assert reply.covered
    assert reply.citations[0].anchor == "what-pulls-the-water"
    assert reply.answer == ask(tides, "What pulls the ocean?").answer


def test_a_greeting_that_carries_a_question_is_answered(tides):
    reply = ask(tides, "Hi, how many high tides are there a day?")
    assert reply.engine == "offline"
    assert reply.covered
