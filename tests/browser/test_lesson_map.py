from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_CONTENT
from tests.factories import make_catalog, write_course

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


def test_the_lesson_map_at_2500_lessons_opens_a_track_on_demand(page, live_server):
    make_catalog(tracks=25, lessons_per_track=100, sections=1, with_related=False)

    page.goto(live_server.url + "/")
    expect(page.locator(".hero__lead")).to_contain_text("2500 lessons in order")
    expect(page.locator(".track")).to_have_count(25)
    expect(page.locator("#track-lessons-track-3 .lesson-row")).to_have_count(5)
    screenshot(page, "catalog-2500-desktop")

    page.get_by_role("link", name="Show all 100 lessons of Track 3").click()

    expect(page.locator("#track-lessons-track-3 .lesson-row")).to_have_count(100)  # htmx swapped the whole track in
    expect(page.get_by_role("link", name="Lesson 6 of track 3", exact=True)).to_be_focused()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("#track-lessons-track-4 .lesson-row")).to_have_count(5)
    problems = Axe().run(page).response["violations"]
    assert not problems, [(problem["id"], [node["target"] for node in problem["nodes"]][:3]) for problem in problems]


def test_show_all_without_javascript_opens_the_track_page(browser, live_server):
    make_catalog(tracks=2, lessons_per_track=8, with_related=False)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")

    page.get_by_role("link", name="Show all 8 lessons of Track 1").click()

    expect(page).to_have_url(live_server.url + "/tracks/track-1/")
    expect(page.locator(".lesson-row")).to_have_count(8)
    context.close()


def test_every_lesson_of_a_small_unrelated_course_keeps_going(page, live_server, tmp_path):
    import_catalog(write_course(tmp_path, {"odds": ["tides", "grouping", "bug-reports"], "crafts": ["knitting"]}))

    for slug in ["tides", "grouping", "bug-reports", "knitting"]:
        page.goto(f"{live_server.url}/lessons/{slug}/")
        expect(page.locator(".keep-going .card")).to_have_count(3)
    expect(page.locator(".keep-going .card__reason")).to_have_text(["From the start"] * 3)
    page.goto(live_server.url + "/lessons/tides/")
    expect(page.locator(".keep-going .card__reason")).to_have_text(["Next in this track", "Next in this track", "Next track"])
    screenshot(page, "lesson-unrelated-course-desktop")

    page.locator(".keep-going").get_by_role("link", name="Knitting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knitting")
