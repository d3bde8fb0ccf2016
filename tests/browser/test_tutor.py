"""A learner asks the tutor in Chromium: a covered and an uncovered question, with htmx and without JavaScript."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import DEMO_CONTENT
from tests.unit.tutor.model_server import Answer, ModelServer, Received, streamed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LESSON = "joins-explained"
# The lesson defines an inner join in so many words; the world cup is in none of the lessons.
COVERED = "What does an inner join keep?"
UNCOVERED = "Who won the football world cup in 1998?"


@pytest.fixture
def demo_site(live_server):
    import_catalog(DEMO_CONTENT)
    return live_server.url


def shoot(target, name: str) -> None:
    """Save a screenshot of a page (whole) or of one element."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if hasattr(target, "goto"):
        target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    else:
        target.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def ask(page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.locator("#tutor").get_by_role("button", name="Ask").click()


def expect_covered_answer(page, turn) -> str:
    """The answer names a section of the lesson and links to its anchor, which is on the lesson page."""
    link = turn.locator("a.citation__section").first
    expect(link).to_have_attribute("href", re.compile(rf"^/lessons/{LESSON}/#[\w-]+$"))
    anchor = link.get_attribute("href").split("#")[1]
    turn.locator("summary").first.click()
    expect(turn.locator("blockquote").first).to_be_visible()
    return anchor


def no_violations(page) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, [(violation["id"], [node["target"] for node in violation["nodes"]][:3]) for violation in violations]


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_tutor_answers_on_the_lesson_page_with_htmx(request, device, demo_site):
    page = request.getfixturevalue(device)
    page.goto(f"{demo_site}/lessons/{LESSON}/")
    panel = page.locator("#tutor")
    expect(panel.get_by_role("heading", name="Ask the tutor")).to_be_visible()
    expect(panel).to_contain_text("automated assistant limited to this lesson")

    ask(page, COVERED)
    turns = panel.locator(".tutor-turn")
    expect(turns).to_have_count(1)  # htmx added the answer in place: the page did not change
    expect(page).to_have_url(f"{demo_site}/lessons/{LESSON}/")
    expect(page.get_by_label("Your question")).to_have_value("")  # emptied and ready for a follow-up
    expect(page.get_by_label("Your question")).to_be_focused()
    anchor = expect_covered_answer(page, turns.nth(0))

    ask(page, UNCOVERED)
    expect(turns).to_have_count(2)
    expect(turns.nth(1)).to_contain_text("This lesson doesn't cover that")
    expect(turns.nth(1).locator("a.citation__section")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(panel, f"tutor-panel-{'desktop' if device == 'page' else 'phone'}")
    no_violations(page)

    turns.nth(0).locator("a.citation__section").first.click()
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()

    page.goto(f"{demo_site}/lessons/{LESSON}/#tutor")
    expect(panel.locator(".tutor-turn")).to_have_count(2)  # kept in the session
    panel.get_by_role("button", name="Start over").click()
    expect(panel.locator(".tutor-turn")).to_have_count(0)
    expect(page.get_by_label("Your question")).to_be_focused()


def test_a_greeting_and_an_overview_question_are_met_from_the_lesson_map(page, demo_site):
    page.goto(f"{demo_site}/lessons/{LESSON}/")
    panel = page.locator("#tutor")
    turns = panel.locator(".tutor-turn")

    ask(page, "hello!")
    expect(turns).to_have_count(1)
    expect(turns.nth(0)).to_contain_text("Ask me anything about")
    expect(turns.nth(0).locator("a.citation__section")).to_have_count(0)

    ask(page, "What is this lesson about?")
    expect(turns).to_have_count(2)
    expect(turns.nth(1)).to_contain_text("In short:")
    links = turns.nth(1).locator("a.citation__section")
    expect(links).to_have_text(["The big idea", "Learning path"])
    links.nth(0).click()
    expect(page.locator("[id='lesson-big-idea']")).to_be_in_viewport()
    no_violations(page)


def test_an_empty_question_is_refused_in_place(page, demo_site):
    page.goto(f"{demo_site}/lessons/{LESSON}/")
    page.get_by_label("Your question").fill("   ")
    page.locator("#tutor").get_by_role("button", name="Ask").click()

    expect(page.locator("#tutor-problem")).to_have_text("Type a question about this lesson.")
    expect(page.locator("#tutor .tutor-turn")).to_have_count(0)

    ask(page, UNCOVERED)
    expect(page.locator("#tutor .tutor-turn")).to_have_count(1)
    expect(page.locator("#tutor-problem")).to_have_text("")


def test_the_tutor_works_without_javascript(browser, demo_site):
    for device, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(java_script_enabled=False, viewport=viewport)
        page = context.new_page()
        page.goto(f"{demo_site}/lessons/{LESSON}/")

        ask(page, COVERED)
        expect(page).to_have_url(f"{demo_site}/lessons/{LESSON}/tutor/#tutor-latest")
        expect(page.get_by_role("heading", level=1)).to_have_text("Joins: combining tables without losing rows")
        expect_covered_answer(page, page.locator(".tutor-turn").nth(0))

        ask(page, UNCOVERED)  # the form again, on the results page
        turns = page.locator(".tutor-turn")
        expect(turns).to_have_count(2)
        expect(turns.nth(1)).to_contain_text("This lesson doesn't cover that")
        expect(page.locator("#tutor-latest")).to_be_focused()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(page, f"tutor-results-no-js-{device}")

        page.get_by_role("button", name="Start over").click()
        expect(page.locator(".tutor-turn")).to_have_count(0)
        context.close()


def test_a_question_typed_while_waiting_for_an_answer_is_kept(page, demo_site):
    page.goto(f"{demo_site}/lessons/{LESSON}/tutor/")

    held = []
    page.route("**/tutor/ask/", lambda route: held.append(route))  # the answer waits until the learner has typed on
    ask(page, COVERED)
    while not held:
        page.wait_for_timeout(20)
    page.get_by_label("Your question").fill(UNCOVERED)
    held[0].continue_()
    expect(page.locator(".tutor-turn")).to_have_count(1)

    expect(page.get_by_label("Your question")).to_have_value(UNCOVERED)
    expect(page.get_by_label("Your question")).to_be_focused()


def test_the_results_page_has_no_accessibility_violations(page, demo_site):
    page.goto(f"{demo_site}/lessons/{LESSON}/tutor/")
    ask(page, COVERED)
    expect(page.locator(".tutor-turn")).to_have_count(1)
    ask(page, UNCOVERED)
    expect(page.locator(".tutor-turn")).to_have_count(2)
    page.goto(f"{demo_site}/lessons/{LESSON}/tutor/")
    expect(page.locator(".tutor-turn")).to_have_count(2)

    no_violations(page)


def test_a_model_answer_appears_sentence_by_sentence_then_as_a_finished_turn(page, demo_site, settings):
    def respond(received: Received) -> Answer:
        number, text = next((number, text) for number, (_, _, text) in received.passages.items() if "inner" in text and text.endswith("."))
        return streamed([f"{text} [{number}] ", "Does that help? ", "Ask me more!"], pause=1.5)

    with ModelServer(respond) as server:
        settings.TUTOR_BASE_URL, settings.TUTOR_MODEL, settings.TUTOR_TIMEOUT_SECONDS = server.url, server.model, 10
        page.goto(f"{demo_site}/lessons/{LESSON}/tutor/")
        ask(page, COVERED)
        preview = page.locator(".tutor-turn--preview")
        expect(preview.locator(".tutor-turn__question")).to_contain_text(COVERED)  # the question shows at once
        # and the first sentence before the model has finished
        expect(preview.locator(".tutor-turn__text")).to_contain_text("inner", timeout=8000)
        expect(page.locator(".tutor-turn--answered")).to_have_count(0)
        shoot(page.locator("#tutor"), "tutor-streaming-preview")

        answered = page.locator(".tutor-turn--answered")
        expect(answered).to_have_count(1, timeout=12000)
        expect(preview).to_have_count(0)
        expect(answered.locator("a.citation__section")).not_to_have_count(0)
        expect(page.get_by_label("Your question")).to_have_value("")
        expect(page.get_by_role("button", name="Start over")).to_be_visible()
        expect(page.locator("#tutor").get_by_role("button", name="Ask")).to_be_enabled()
    assert server.requests[0].body["stream"] is True
    no_violations(page)
