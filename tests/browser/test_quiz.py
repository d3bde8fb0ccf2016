"""A learner takes a quiz in Chromium: anonymous progress in the browser, then synced to an account."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from quizzes.models import LessonProgress, Question
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LESSON = "joins-explained"


@pytest.fixture
def demo_site(live_server):
    import_catalog(DEMO_CONTENT)
    return live_server.url


def answer_current_question(page, *, right: bool = True) -> None:
    """Answer the question on screen (rightly from the database, since the page never says), then go on."""
    form = page.locator("form.question")
    key = form.locator("input[name=question]").input_value()
    question = Question.objects.get(quiz__lesson__slug=LESSON, key=key)
    if question.kind == "single":
        choice = question.answer if right else next(c for c in question.choices if c != question.answer)
        form.locator(f"input[type=radio][value={_quote(choice)}]").check()
    elif question.kind == "multiple":
        for choice in question.answer if right else question.answer[:1] + [c for c in question.choices if c not in question.answer][:1]:
            form.locator(f"input[type=checkbox][value={_quote(choice)}]").check()
    elif question.kind == "true_false":
        form.locator(f"input[value={'true' if question.answer == right else 'false'}]").check()
    elif question.kind == "number":
        form.locator("input[name=answer]").fill(str(question.answer if right else question.answer + 1000))
    else:
        form.locator("input[name=answer]").fill(question.answer[0] if right else "no idea")
    form.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback")).to_be_visible()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_anonymous_progress_survives_reloads_and_follows_the_learner_into_an_account(browser, page, demo_site):
    page.goto(f"{demo_site}/lessons/{LESSON}/")
    panel = page.locator("#quiz")
    expect(panel).to_contain_text("End-of-lesson quiz")
    expect(panel).to_contain_text("15 questions")
    expect(panel).to_contain_text("Progress saved locally in this browser.")
    panel.get_by_role("link", name="Open the quiz").click()  # htmx loads the quiz in place
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator(".quiz__count")).to_have_text("Question 1 of 15")
    for _ in range(5):
        answer_current_question(page)
        page.get_by_role("link", name="Next question").click()
    screenshot(page, "quiz-question-desktop")

    page.reload()
    expect(page.locator("[data-progress-standing]")).to_contain_text("5 answered")
    page.locator("#quiz").get_by_role("link", name="Open the quiz").click()
    expect(page.locator(".quiz__count")).to_have_text("Question 6 of 15")

    for n in range(10):
        answer_current_question(page, right=n % 4 != 0)
        if n == 0:
            screenshot(page, "quiz-feedback-desktop")
        page.get_by_role("link", name=re.compile("Next question|See your score")).click()
    expect(page.locator(".results")).to_contain_text("Passed")
    screenshot(page, "quiz-results-desktop")

    track = Lesson.objects.get(slug=LESSON).track
    page.goto(f"{demo_site}/tracks/{track.slug}/")
    tick = page.locator(f'[data-progress-lesson="{LESSON}"] .progress-mark')
    expect(tick).to_have_text(re.compile(r"✓ \d+%"))
    best = int(re.search(r"(\d+)%", tick.inner_text()).group(1))
    page.goto(f"{demo_site}/")
    page.get_by_role("link", name=f"Show all {track.lessons.count()} lessons of {track.title}").click()  # htmx swaps the list in
    expect(tick).to_have_text(f"✓ {best}%")
    screenshot(page, "lesson-map-with-progress-desktop")

    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email address").fill("dana@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Create my account").click()
    page.goto(f"{demo_site}/tracks/{track.slug}/")
    expect(page.locator(f'[data-progress-lesson="{LESSON}"] .progress-mark')).to_have_text(f"✓ {best}%")
    progress = LessonProgress.objects.get(learner__email="dana@example.com", quiz__lesson__slug=LESSON)
    assert (progress.best_score, progress.is_completed) == (best, True)
    assert page.evaluate("Object.keys(JSON.parse(localStorage.getItem('lessonbox.progress.records') || '{}')).length") == 0

    other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = other.new_page()
    phone.goto(f"{demo_site}/accounts/sign-in/")
    phone.get_by_label("Email address").fill("dana@example.com")
    phone.get_by_label("Password").fill("a-long-pass-phrase")
    phone.get_by_role("button", name="Sign in").click()
    phone.goto(f"{demo_site}/tracks/{track.slug}/")
    expect(phone.locator(f'[data-progress-lesson="{LESSON}"] .progress-mark')).to_have_text(f"✓ {best}%")
    phone.goto(f"{demo_site}/lessons/{LESSON}/quiz/")
    expect(phone.locator(".quiz__standing")).to_contain_text(f"Best {best}%")
    screenshot(phone, "quiz-signed-in-phone")
    other.close()


def test_the_quiz_works_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site}/lessons/{LESSON}/")
    page.locator("#quiz").get_by_role("link", name="Open the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    answer_current_question(page, right=False)
    expect(page.locator(".feedback")).to_contain_text("Not quite")
    screenshot(page, "quiz-feedback-no-js")
    page.get_by_role("link", name="Next question").click()
    expect(page.locator(".quiz__count")).to_have_text("Question 2 of 15")
    context.close()


def test_quiz_on_a_phone_fits_the_screen(phone, demo_site):
    phone.goto(f"{demo_site}/lessons/{LESSON}/quiz/")
    phone.get_by_role("button", name="Start the quiz").click()
    expect(phone.locator(".quiz__count")).to_have_text("Question 1 of 15")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "quiz-question-phone")
    axe = Axe().run(phone)
    assert not axe.response["violations"], [v["id"] for v in axe.response["violations"]]
