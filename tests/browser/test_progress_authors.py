"""An author reads the analytics pages in Chromium, on a desktop and on a phone, over generated activity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from progress.activity import generate_activity
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = {
    "lessons": "/progress/authors/",
    "quizzes": "/progress/authors/quizzes/",
    "tutor": "/progress/authors/tutor/",
    "sandbox": "/progress/authors/sandbox/",
    "gaps": "/progress/authors/gaps/",
}


@pytest.fixture
def author_site(live_server, django_user_model):
    import_catalog(DEMO_CONTENT)
    generate_activity(learners=400, answers=24_000, tutor_questions=3_000, runs=3_000, months=3, seed=3, until=datetime(2026, 6, 30, tzinfo=UTC))
    django_user_model.objects.create_user("erin@example.com", "a-long-pass-phrase", is_staff=True)
    return live_server.url


def sign_in(page, site: str) -> None:
    page.goto(f"{site}/accounts/sign-in/")
    page.get_by_label("Email address").fill("erin@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_every_author_page_reads_well_and_has_no_accessibility_violation(request, device, author_site):
    browser_page = request.getfixturevalue(device)
    sign_in(browser_page, author_site)
    axe = Axe()
    problems = {}
    for name, path in PAGES.items():
        browser_page.goto(author_site + path)
        expect(browser_page.locator("table.report-table").first).to_be_visible()
        screenshot(browser_page, f"authors-{name}-{'desktop' if device == 'page' else 'phone'}")
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        violations = axe.run(browser_page).response["violations"]
        if violations:
            problems[path] = [(violation["id"], [node["target"] for node in violation["nodes"]][:3]) for violation in violations]
    assert not problems, problems


def test_filters_swap_the_report_in_place_and_keep_the_address(page, author_site):
    sign_in(page, author_site)
    page.goto(author_site + "/progress/authors/tutor/")
    page.get_by_label("Track").select_option(label="Charts and statistics")
    page.get_by_label("From").fill("2026-05-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".authors-report__scope")).to_contain_text("Charts and statistics, from 1 May 2026")
    assert "track=charts-and-statistics" in page.url
    assert "start=2026-05-01" in page.url
    lessons = page.locator('table[data-table="tutor"] tbody th').all_inner_texts()
    assert lessons[0] == "Your first matplotlib chart"
    assert len(lessons) == 6
    # The tabs carry the filters to the next report.
    page.get_by_role("link", name="Quiz items").click()
    expect(page.locator(".authors-report__scope")).to_contain_text("Charts and statistics, from 1 May 2026")


def test_the_pages_work_without_javascript(browser, author_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, author_site)
    page.goto(author_site + "/progress/authors/sandbox/")
    page.get_by_label("Track").select_option(label="Data wrangling with pandas")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".authors-report__scope")).to_contain_text("Data wrangling with pandas, all time")
    assert page.locator('table[data-table="exercises"] tbody tr').count() == 4
    context.close()
