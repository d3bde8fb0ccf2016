"""The tutor on the lesson page: a panel, a plain form with a results page, htmx turns, a conversation kept per lesson."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from lessons.models import Lesson
from quizzes.models import Attempt
from tests.tutor_course import COVERED, OFF_TOPIC
from tutor.conversation import KEPT_TURNS, history
from tutor.models import AskedQuestion

pytestmark = pytest.mark.django_db
LESSON = "/lessons/tides/"
PAGE = "/lessons/tides/tutor/"
ASK = "/lessons/tides/tutor/ask/"
RESET = "/lessons/tides/tutor/reset/"
HTMX = {"HX-Request": "true"}


def panel_of(html: str) -> str:
    return html[html.index('<section class="tutor"') : html.index("</section>", html.index('<section class="tutor"'))]


def turns_in(html: str) -> list[str]:
    return re.findall(r'<p class="tutor-turn__question"><span class="tutor-turn__who">You</span> (.*?)</p>', html)


def test_every_lesson_page_has_the_tutor_panel_with_its_notice_and_form(client, tides, settings):
    settings.TUTOR_QUESTION_RETENTION_DAYS = 45

    panel = panel_of(client.get(LESSON).content.decode())

    assert '<h2 id="tutor-title" class="tutor__title">Ask the tutor</h2>' in panel
    assert "automated assistant limited to this lesson" in panel
    assert "kept for 45 days" in panel
    assert '<label class="tutor-form__label" for="tutor-question">Your question</label>' in panel
    assert re.search(r'<textarea[^>]* id="tutor-question" name="question"[^>]* maxlength="1000" required', panel)
    assert f'action="{ASK}"' in panel
    assert 'role="log"' in panel


def test_the_panel_sits_after_the_lesson_and_before_the_quiz(client, tides):
    html = client.get(LESSON).content.decode()

    assert html.index('id="key-terms-title"') < html.index('id="tutor"') < html.index('id="quiz"')


def test_the_lesson_page_gives_its_introduction_the_anchor_citations_use(client, tides):
    assert 'id="lesson-intro"' in client.get(LESSON).content.decode()


def test_an_anonymous_lesson_page_with_the_panel_is_still_served_whole_from_the_cache(client, tides, django_assert_num_queries):
    first = client.get(LESSON)

    with django_assert_num_queries(0):
        again = client.get(LESSON)

    assert not first.cookies
    assert again.content == first.content


def test_a_plain_form_question_lands_on_the_results_page_at_the_answer(client, tides):
    response = client.post(ASK, {"question": COVERED, "from": "lesson"})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#tutor-latest"
    html = client.get(PAGE).content.decode()
    assert '<h1 class="tutor-page__title">Tides and waves</h1>' in html
    assert turns_in(html) == [COVERED]
    assert "The Moon&#x27;s gravity causes the tides." in html
    assert '<a class="citation__section" href="/lessons/tides/#tides">Tides</a>' in html
    assert re.search(r'<details class="citation__quote">\s*<summary>What it says</summary>\s*<blockquote>The Moon&#x27;s gravity', html)
    assert 'id="tutor-latest" tabindex="-1" autofocus' in html
    assert f'action="{ASK}"' in html  # the form again, for a follow-up
    assert "Start over" in html


def test_an_uncovered_question_says_the_lesson_does_not_cover_it_and_points_to_one_that_does(client, tides):
    client.post(ASK, {"question": OFF_TOPIC})
    client.post(ASK, {"question": "What is lava?"})

    html = client.get(PAGE).content.decode()

    assert turns_in(html) == [OFF_TOPIC, "What is lava?"]
    assert html.count("This lesson doesn&#x27;t cover that") == 2
    assert "tutor-turn--not-covered" in html
    assert '<a class="citation__section" href="/lessons/volcanoes/">Volcanoes</a>' in html


def test_with_htmx_a_question_adds_one_turn_and_empties_the_form(client, tides):
    response = client.post(ASK, {"question": COVERED, "from": "lesson"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "tutor-answered"
    assert "<html" not in html
    assert turns_in(html) == [COVERED]
    assert 'href="/lessons/tides/#tides"' in html
    assert '<div id="tutor-problem" hx-swap-oob="innerHTML"></div>' in html  # clears an earlier complaint
    assert 'id="tutor-reset" hx-swap-oob="true"' in html
    assert '<input type="hidden" name="from" value="lesson">' in html


def test_the_conversation_is_kept_per_lesson_and_shown_on_the_lesson_page(client, tides):
    client.post(ASK, {"question": COVERED})
    client.post(ASK, {"question": "What makes waves?"}, headers=HTMX)

    assert turns_in(client.get(LESSON).content.decode()) == [COVERED, "What makes waves?"]
    assert turns_in(client.get("/lessons/volcanoes/").content.decode()) == []


def test_only_the_last_turns_are_kept_and_they_are_the_history_of_a_follow_up(client, tides):
    for n in range(KEPT_TURNS + 2):
        client.post(ASK, {"question": f"Question {n} about tides?"})

    kept = client.session["tutor"]["lessons"]["tides"]
    assert [turn["question"] for turn in kept] == [f"Question {n} about tides?" for n in range(2, KEPT_TURNS + 2)]
    assert history(kept)[-1] == {"question": f"Question {KEPT_TURNS + 1} about tides?", "answer": kept[-1]["answer"]}


def test_a_follow_up_is_answered_from_what_was_asked_before(client, tides):
    client.post(ASK, {"question": "What makes waves on the sea?"})
    client.post(ASK, {"question": "What makes them bigger?"})

    assert client.session["tutor"]["lessons"]["tides"][-1]["covered"] is True


def test_the_notice_is_shown_until_the_first_question(client, tides):
    client.post(ASK, {"question": COVERED})

    panel = panel_of(client.get("/lessons/volcanoes/").content.decode())

    assert "automated assistant limited to this lesson" not in panel
    assert "An assistant that answers only from this lesson · your questions are kept 90 days" in panel


def test_start_over_forgets_the_lessons_conversation(client, tides):
    client.post(ASK, {"question": COVERED})
    client.post("/lessons/volcanoes/tutor/ask/", {"question": "What is lava?"})

    from_lesson = client.post(RESET, {"from": "lesson"})

    assert from_lesson["Location"] == "/lessons/tides/#tutor"
    assert turns_in(client.get(LESSON).content.decode()) == []
    assert turns_in(client.get("/lessons/volcanoes/").content.decode()) == ["What is lava?"]


def test_start_over_with_htmx_sends_back_an_empty_panel_focused_on_the_question(client, tides):
    client.post(ASK, {"question": COVERED})

    response = client.post(RESET, headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<section class="tutor" id="tutor"')
    assert turns_in(html) == []
    assert "Start over" not in html
    assert re.search(r"<textarea[^>]* autofocus>", html)
    assert client.post(RESET)["Location"] == PAGE


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Type a question about this lesson."),
        (" \n ", "Type a question about this lesson."),
        ("x" * 1001, "Keep your question under 1,000 characters."),
    ],
)
def test_a_question_the_tutor_cannot_take_is_refused_with_a_clear_message(client, tides, question, message):
    plain = client.post(ASK, {"question": question})
    htmx = client.post(ASK, {"question": question}, headers=HTMX)

    assert plain.status_code == 400
    assert f'<p class="form-error">{message}</p>' in plain.content.decode()
    assert 'aria-invalid="true"' in plain.content.decode()
    assert (htmx.status_code, htmx["HX-Retarget"], htmx["HX-Reswap"]) == (200, "#tutor-problem", "innerHTML")
    assert htmx.content.decode() == f'<p class="form-error">{message}</p>'
    assert not AskedQuestion.objects.exists()


def test_too_many_questions_in_a_minute_are_refused_with_retry_after(client, tides, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tutor": "2/m"}

    statuses = [client.post(ASK, {"question": COVERED}).status_code for _ in range(2)]
    refused = client.post(ASK, {"question": COVERED})
    htmx = client.post(ASK, {"question": COVERED}, headers=HTMX)

    assert statuses == [302, 302]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "a lot of questions in a minute" in refused.content.decode()
    assert htmx["HX-Retarget"] == "#tutor-problem"
    assert AskedQuestion.objects.count() == 2


def test_a_signed_in_learner_needs_the_csrf_token_and_an_anonymous_reader_does_not(tides, learner):
    anonymous = Client(enforce_csrf_checks=True)
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(learner)

    assert anonymous.post(ASK, {"question": COVERED}).status_code == 302
    assert signed_in.post(ASK, {"question": COVERED}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in.get(LESSON).content.decode()).group(1)
    assert signed_in.post(ASK, {"question": COVERED, "csrfmiddlewaretoken": token}).status_code == 302
    assert signed_in.post(RESET, {"csrfmiddlewaretoken": token}).status_code == 302


def test_questions_are_logged_with_the_learner(client, tides, learner):
    client.force_login(learner)

    client.post(ASK, {"question": COVERED})

    assert AskedQuestion.objects.get().user == learner


def test_an_unknown_or_archived_lesson_has_no_tutor(client, tides, author):
    Lesson.objects.filter(slug="volcanoes").update(is_archived=True)

    assert client.get("/lessons/no-such-lesson/tutor/").status_code == 404
    assert client.post("/lessons/volcanoes/tutor/ask/", {"question": "What is lava?"}).status_code == 404
    client.force_login(author)
    assert 'id="tutor"' not in client.get("/lessons/volcanoes/").content.decode()  # staff preview of an archived lesson


def test_a_question_of_the_learners_open_quiz_gets_a_hint_on_the_page(client, tides):
    client.post("/lessons/tides/quiz/start/")
    assert Attempt.objects.filter(finished_at=None).exists()

    client.post(ASK, {"question": "Which force causes the tides?"})

    html = client.get(PAGE).content.decode()
    assert '<span class="tutor-tag">Quiz hint</span>' in html
    assert "Where to read" in html
    assert "gravity" not in panel_of(html).split('class="tutor-turn__answer"')[1]


def test_questions_answers_and_lesson_text_are_escaped():
    hostile = "<script>alert(1)</script>"
    turn = {
        "question": hostile,
        "answer": f"Answer {hostile}",
        "reason": "answered",
        "citations": [{"section": f"Section {hostile}", "anchor": 'x"><script>', "quote": f"Quote {hostile}"}],
        "see_also": [{"slug": "other", "title": f"Title {hostile}", "url": "/lessons/other/"}],
    }

    html = render_to_string("tutor/conversation.html#turn", {"turn": turn, "panel": {"lesson": Lesson(slug="tides")}})

    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 5
