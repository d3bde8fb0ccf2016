"""The dashboard page and its browser endpoints, through the client; "continue" on the lesson map."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from common.browser import SESSION_FIELD
from quizzes.records import sign_attempt
from quizzes.services import MAX_SYNC_RECORDS, merge_browser_progress
from tests.unit.progress.conftest import HISTORY, at

NOW = "2026-11-20 12:00:00+00:00"
DASHBOARD = "/progress/"
BROWSER = "/progress/browser/"
CONTINUE = "/progress/browser/continue/"


def post_records(client: Client, url: str, records) -> object:
    return client.post(url, json.dumps({"records": records}), content_type="application/json")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


@time_machine.travel(NOW, tick=False)
def test_a_signed_in_learner_sees_the_dashboard_from_the_server(client, course, learner, runs):
    merge_browser_progress(user=learner, records=HISTORY)
    runs(learner=learner)
    client.force_login(learner)

    response = client.get(DASHBOARD)

    page = text(response)
    assert response.status_code == 200
    assert "Lessons completed 1 of 3" in page
    assert "Quiz attempts 3 finished" in page
    assert "Answers graded 11 , 55% right" in page
    assert "Code runs 2" in page
    assert "4 days in a row" in page
    assert "Practise today to keep it going. Longest: 4 days." in page
    assert "Active on 5 of the last 82 days." in page
    assert "Second steps Basics · You were working on this lesson" in page
    assert "1 of 2 lessons completed" in page
    assert "✓ 80%" in page
    assert "Not started yet. Start with “Combining tables”" in page
    html = response.content.decode()
    assert '<a href="/lessons/first-steps/#loading-a-table">Loading a table</a>' in html
    assert 'aria-valuemax="2" aria-valuenow="1"' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="activity-chart"' in html
    assert "data-browser-progress" not in html  # nothing for the browser to fetch


def test_an_anonymous_visitor_gets_the_invitation_and_a_page_the_browser_fills(client, course):
    response = client.get(DASHBOARD)

    html = response.content.decode()
    assert "Without an account your progress stays in this browser only." in html
    assert 'href="/accounts/sign-in/?next=/progress/"' in html
    assert 'data-browser-progress="/progress/browser/"' in html
    assert "<noscript>" in html
    assert "JavaScript is off" in html
    assert 'class="stats"' not in html  # no figures without the browser's records
    assert not response.cookies  # the same page for every anonymous reader


@time_machine.travel(NOW, tick=False)
def test_the_browsers_records_come_back_as_the_same_dashboard_the_account_would_show(client, course, learner, runs):
    session = client.session
    session[SESSION_FIELD] = "this-browser"
    session.save()
    runs(browser="this-browser")

    anonymous = post_records(client, BROWSER, HISTORY)

    merge_browser_progress(user=learner, records=HISTORY)
    runs(learner=learner)
    signed_in = Client()
    signed_in.force_login(learner)
    page = signed_in.get(DASHBOARD).content.decode()
    fragment = anonymous.content.decode()
    assert anonymous.status_code == 200
    assert "<html" not in fragment
    assert fragment.strip().startswith('<div class="dashboard">')
    assert fragment.strip() in page  # the very same markup


@time_machine.travel(NOW, tick=False)
def test_forged_and_altered_records_are_left_out_and_counted(client, course):
    good = HISTORY[:6]  # the first attempt at first-steps: 40%, failed
    forged = sign_attempt(lesson="first-steps", attempt=uuid.uuid4(), answers={}, total=5, score=100, passed=True, at=at(18, 9))
    forged = signing.dumps(signing.loads(forged, salt="lessonbox.quizzes.progress-record"), salt="someone-elses-salt")
    payload, _, signature = good[-1].partition(":")
    altered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + signature

    response = post_records(client, BROWSER, [*good, forged, altered, "not a record", 42])

    page = text(response)
    assert response.status_code == 200
    assert "4 records saved in this browser could not be verified (altered, or not made by this site) and are left out." in page
    assert "Lessons completed 0 of 3" in page  # the forged 100% did not complete the lesson
    assert "Quiz attempts 1 finished" in page


def test_the_browser_endpoints_refuse_what_is_not_a_list_of_records(client, course):
    assert client.post(BROWSER, "{not json", content_type="application/json").status_code == 400
    assert client.post(BROWSER, json.dumps({"records": "x"}), content_type="application/json").status_code == 400
    assert client.post(BROWSER, json.dumps([]), content_type="application/json").status_code == 400
    assert post_records(client, BROWSER, ["x"] * (MAX_SYNC_RECORDS + 1)).status_code == 413
    assert client.get(BROWSER).status_code == 405


def test_the_browser_endpoints_refuse_a_body_over_the_sync_limit(client, course, settings):
    settings.PROGRESS_SYNC_MAX_BYTES = 1024

    assert post_records(client, BROWSER, ["x" * 2000]).status_code == 413


def test_the_browser_endpoints_are_rate_limited(client, course, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "progress-browser": "2/m"}

    statuses = [post_records(client, url, []).status_code for url in (BROWSER, CONTINUE, BROWSER)]

    assert statuses == [200, 204, 429]


def test_the_browser_endpoints_need_no_csrf_token(course):
    client = Client(enforce_csrf_checks=True)

    assert post_records(client, BROWSER, HISTORY).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_continue_for_a_browser_is_the_lesson_its_records_point_to(client, course):
    response = post_records(client, CONTINUE, HISTORY)

    assert response.status_code == 200
    assert "Second steps" in text(response)
    assert '<a class="button" href="/lessons/second-steps/">' in response.content.decode()


def test_continue_for_a_browser_without_activity_is_empty(client, course):
    assert post_records(client, CONTINUE, []).status_code == 204


@pytest.mark.usefixtures("course")
def test_the_lesson_map_offers_a_signed_in_learner_the_lesson_to_continue(client, learner):
    merge_browser_progress(user=learner, records=HISTORY)
    client.force_login(learner)

    page = text(client.get("/"))

    assert "Continue where you left off Second steps Basics · You were working on this lesson" in page


@pytest.mark.usefixtures("course")
def test_the_lesson_map_offers_nothing_to_continue_before_any_activity(client, learner):
    client.force_login(learner)

    assert "Continue where you left off" not in client.get("/").content.decode()


@pytest.mark.usefixtures("course")
def test_the_anonymous_lesson_map_carries_only_a_slot_and_stays_cached(client, django_assert_num_queries):
    first = client.get("/")

    html = first.content.decode()
    assert 'data-browser-progress="/progress/browser/continue/" data-only-with-records hidden' in html
    assert "Continue where you left off" not in html
    with django_assert_num_queries(0):
        assert client.get("/").content == first.content  # served whole from the page cache


@pytest.mark.usefixtures("course")
def test_search_results_carry_no_map_panel(client, learner):
    merge_browser_progress(user=learner, records=HISTORY)
    client.force_login(learner)

    assert "Continue where you left off" not in client.get("/?q=table").content.decode()


def test_every_page_links_to_the_dashboard(client, course):
    assert '<a href="/progress/">Progress</a>' in client.get("/").content.decode()


@pytest.mark.usefixtures("course")
def test_the_dashboard_runs_a_fixed_number_of_queries_however_much_activity(client, learner, runs, django_assert_max_num_queries):
    client.force_login(learner)
    merge_browser_progress(user=learner, records=HISTORY[:6])
    with CaptureQueriesContext(connection) as little:
        client.get(DASHBOARD)
    merge_browser_progress(user=learner, records=HISTORY)
    runs(learner=learner)

    with django_assert_max_num_queries(len(little)):
        client.get(DASHBOARD)
