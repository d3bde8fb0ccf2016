"""The learner dashboard in Chromium: signed in from the account, anonymous from the browser's records, on desktop and phone."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from quizzes.models import Question
from quizzes.records import SALT, sign_answer, sign_attempt
from quizzes.services import merge_browser_progress
from sandbox_runner.models import Exercise, Run
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-pass-phrase"
# (lesson in catalog order, days ago, questions right of 15): two lessons passed, the third
# failed, the fourth failed yesterday; missed questions are each quiz's first ones.
HISTORY = [(0, 20, 10), (0, 19, 14), (1, 12, 15), (2, 3, 9), (3, 1, 8)]


def history_records() -> list[str]:
    lessons = list(Lesson.objects.published().in_catalog_order()[:4])
    now = timezone.now().replace(hour=12, minute=0)
    records = []
    for index, days_ago, right in HISTORY:
        lesson = lessons[index]
        keys = list(Question.objects.filter(quiz__lesson=lesson).order_by("position").values_list("key", flat=True))
        answers = {key: n >= len(keys) - right for n, key in enumerate(keys)}
        attempt, moment = uuid.uuid4(), now - timedelta(days=days_ago)
        records += [sign_answer(lesson=lesson.slug, attempt=attempt, question=key, correct=ok, at=moment) for key, ok in answers.items()]
        score = round(100 * right / len(keys))
        records.append(
            sign_attempt(lesson=lesson.slug, attempt=attempt, answers=answers, total=len(keys), score=score, passed=score >= 70, at=moment)
        )
    return records


@pytest.fixture
def demo_site(live_server):
    import_catalog(DEMO_CONTENT)
    return live_server.url


def no_accessibility_violations(page) -> None:
    problems = Axe().run(page).response["violations"]
    assert not problems, [(problem["id"], [node["target"] for node in problem["nodes"]][:3]) for problem in problems]


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def sign_in(page, site: str) -> None:
    page.goto(f"{site}/accounts/sign-in/")
    page.get_by_label("Email address").fill("dana@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_signed_in_learner_reads_the_dashboard_on_desktop_and_phone(page, phone, demo_site):
    learner = get_user_model().objects.create_user("dana@example.com", PASSWORD)
    merge_browser_progress(user=learner, records=history_records())
    exercise = Exercise.objects.filter(lesson__slug=Lesson.objects.published().in_catalog_order()[3].slug).first()
    for days_ago in (1, 0):
        run = Run.objects.create(learner=learner, exercise=exercise, code="print(1)", status=Run.Status.OK)
        Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    fourth = Lesson.objects.published().in_catalog_order()[3]

    for device, name in ((page, "desktop"), (phone, "phone")):
        sign_in(device, demo_site)
        device.get_by_role("link", name="Progress", exact=True).click()
        expect(device.get_by_role("heading", level=1)).to_have_text("How far you have come")
        expect(device.locator(".stat").first).to_contain_text("2 of 20")
        expect(device.locator(".streak")).to_contain_text("2 days in a row")  # yesterday and today
        expect(device.locator(".continue__title")).to_have_text(fourth.title)
        expect(device.locator(".weak-spots li")).not_to_have_count(0)
        expect(device.locator(".track-progress").first).to_contain_text("2 of 8 lessons completed")
        expect(device.locator(".activity-chart")).to_be_visible()
        no_sideways_scroll(device)
        screenshot(device, f"progress-signed-in-{name}")
        no_accessibility_violations(device)

    page.goto(demo_site + "/")
    expect(page.locator(".continue__title")).to_have_text(fourth.title)  # also offered on the lesson map
    screenshot(page, "progress-lesson-map-signed-in-desktop")
    page.goto(demo_site + "/progress/")
    spot = page.locator(".weak-spots a").first
    target = spot.get_attribute("href")
    spot.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(page.locator("#" + target.split("#")[1])).to_be_in_viewport()


def test_an_anonymous_learner_sees_the_same_dashboard_from_the_browsers_records(page, phone, demo_site):
    records = history_records()
    forged = signing.dumps({"v": 1, "kind": "attempt", "id": str(uuid.uuid4())}, salt="not-this-sites-salt")
    saved = {signing.loads(record, salt=SALT)["id"]: record for record in records} | {"forged": forged}
    fourth = Lesson.objects.published().in_catalog_order()[3]

    for device, name in ((page, "desktop"), (phone, "phone")):
        device.goto(demo_site + "/")
        device.evaluate("records => localStorage.setItem('lessonbox.progress.records', JSON.stringify(records))", saved)
        device.reload()
        expect(device.locator(".continue__title")).to_have_text(fourth.title)  # the lesson map's panel, from this browser's records
        no_sideways_scroll(device)
        screenshot(device, f"progress-lesson-map-anonymous-{name}")
        device.get_by_role("link", name="Progress", exact=True).click()
        expect(device.locator(".dashboard__invitation")).to_contain_text("Without an account your progress stays in this browser only.")
        expect(device.locator(".stat").first).to_contain_text("2 of 20")
        expect(device.locator(".dashboard .notice--warning")).to_contain_text("1 record saved in this browser could not be verified")
        expect(device.locator(".streak")).to_contain_text("1 day in a row")  # yesterday; no runs in this browser
        expect(device.locator(".continue__title")).to_have_text(fourth.title)
        expect(device.locator(".weak-spots li")).not_to_have_count(0)
        no_sideways_scroll(device)
        screenshot(device, f"progress-anonymous-{name}")
        no_accessibility_violations(device)


def test_without_javascript_an_anonymous_visitor_is_told_why_and_invited_to_sign_in(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(demo_site + "/progress/")

    # Playwright's text locators skip <noscript> on purpose; a CSS locator reaches it.
    expect(page.locator("noscript .notice")).to_be_visible()
    expect(page.locator("noscript .notice")).to_contain_text("which takes JavaScript, and JavaScript is off")
    expect(page.get_by_role("link", name="Sign in", exact=True).first).to_be_visible()
    expect(page.locator("#browser-dashboard")).to_be_hidden()
    screenshot(page, "progress-anonymous-no-javascript-desktop")
    context.close()
