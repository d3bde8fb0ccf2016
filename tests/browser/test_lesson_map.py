from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    import_catalog(DEMO_CONTENT)
    return live_server.url


def test_learner_searches_opens_a_lesson_and_follows_its_map(page, demo_site):
    page.goto(demo_site + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learn to work with data")
    screenshot(page, "catalog-desktop")

    page.get_by_label("Search lessons").press_sequentially("merge")
    expect(page.locator(".catalog__heading")).to_contain_text("match “merge”")  # htmx swapped the results in
    expect(page).to_have_url(re.compile(r"\?q=merge$"))
    screenshot(page, "search-desktop")

    page.get_by_role("link", name="Joins: combining tables without losing rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joins: combining tables without losing rows")
    expect(page.locator(".lesson__meta")).to_contain_text("Lesson 7 of 20")
    screenshot(page, "lesson-desktop")

    page.locator(".path a").nth(2).click()
    expect(page).to_have_url(re.compile(r"#duplicate-keys-multiply-rows$"))
    expect(page.locator("#duplicate-keys-multiply-rows")).to_be_in_viewport()

    page.locator(".chips").get_by_role("link", name="left join").click()
    expect(page.locator("#term-left-join")).to_be_in_viewport()
    expect(page.locator("#term-left-join dd")).to_contain_text("Keeps every row of the left table")

    page.locator(".keep-going").get_by_role("link", name=re.compile("Stacking tables")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stacking tables")


def test_search_works_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site + "/")

    page.get_by_label("Search lessons").fill("histogram")
    page.get_by_role("button", name="Search").click()

    expect(page.locator(".catalog__heading")).to_contain_text("match “histogram”")
    context.close()


def test_pages_read_well_on_a_phone(phone, demo_site):
    for name, path in [
        ("catalog-phone", "/"),
        ("lesson-phone", "/lessons/first-matplotlib-chart/"),
        ("track-phone", "/tracks/charts-and-statistics/"),
    ]:
        phone.goto(demo_site + path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        screenshot(phone, name)


def test_keyboard_user_can_skip_to_content_and_sees_focus(page, demo_site):
    page.goto(demo_site + "/lessons/joins-explained/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
