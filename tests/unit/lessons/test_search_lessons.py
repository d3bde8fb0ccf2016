"""Full-text search: the same results contract on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import re
import shutil

import pytest

from lessons import search
from lessons.authoring.importer import import_catalog
from lessons.models import KeyTerm, Lesson, Track
from lessons.search import rebuild_search_index, search_words
from lessons.services import search_lessons
from tests.conftest import edit

pytestmark = pytest.mark.django_db

FILLER = "Readers follow along with small worked examples and short notes about common mistakes."


def add_lesson(
    track: Track, number: int, *, title: str, summary: str = "A short summary.", terms: tuple[str, ...] = (), body: str = FILLER
) -> Lesson:
    lesson = Lesson.objects.create(
        track=track,
        slug=f"lesson-{number}",
        number=number,
        title=title,
        summary=summary,
        minutes=5,
        big_idea="Keep it.",
        body_markdown=body,
        search_text=" ".join([title, summary, *terms, body]),
        catalog_position=number,
    )
    KeyTerm.objects.bulk_create(
        KeyTerm(lesson=lesson, position=position, term=term, definition="-", definition_html="-", anchor=f"term-{position}")
        for position, term in enumerate(terms, start=1)
    )
    return lesson


@pytest.fixture
def track():
    return Track.objects.create(slug="shapes", title="Reshaping data", summary="Long and wide.")


def slugs(query: str, **kwargs) -> list[str]:
    return [lesson.slug for lesson in search_lessons(query, **kwargs)[:50]]


def test_title_and_key_term_matches_rank_above_summary_and_body_matches(track):
    add_lesson(track, 1, title="Reading files", body=f"{FILLER} A pivot here, a pivot there, pivot everywhere.")
    add_lesson(track, 2, title="Wide tables", summary="Turn rows into columns with a pivot.")
    add_lesson(track, 3, title="Reshaping", terms=("pivot table",))
    add_lesson(track, 4, title="Pivot tables explained")
    for number in range(5, 15):  # a catalog where "pivot" is a rare word, as in real ones
        add_lesson(track, number, title=f"Unrelated charts {number}")
    rebuild_search_index()

    found = slugs("pivot")

    assert set(found[:2]) == {"lesson-3", "lesson-4"}
    assert found[2:] == ["lesson-2", "lesson-1"]


def test_every_word_in_the_title_or_key_terms_ranks_above_some_of_them_there(track):
    add_lesson(track, 1, title="Pivot basics", body=f"{FILLER} Later, a merge.")
    add_lesson(track, 2, title="Merge basics", body=f"{FILLER} Later, a pivot.")
    add_lesson(track, 3, title="Pivot", terms=("merge",))
    add_lesson(track, 4, title="Tables", summary="Pivot, then merge.")
    add_lesson(track, 5, title="Pivot and merge")
    for number in range(6, 16):
        add_lesson(track, number, title=f"Unrelated charts {number}")
    rebuild_search_index()

    found = slugs("pivot merges")

    assert set(found[:2]) == {"lesson-3", "lesson-5"}
    assert set(found[2:4]) == {"lesson-1", "lesson-2"}
    assert found[4:] == ["lesson-4"]


def test_a_tier_too_large_to_rank_lists_in_catalog_order(track, monkeypatch):
    monkeypatch.setattr(search, "RANKED_TIER_SIZE", 2)
    add_lesson(track, 1, title="Outliers", body=f"{FILLER} Outliers.")
    add_lesson(track, 2, title="Outliers outliers outliers")
    add_lesson(track, 3, title="Outliers again")
    add_lesson(track, 4, title="Charts", body=f"{FILLER} An outlier.")
    add_lesson(track, 5, title="Bars", body=f"{FILLER} An outlier, then another outlier, outliers everywhere.")
    rebuild_search_index()

    # Three title matches: more than two, so catalog order; two body matches: ranked.
    assert slugs("outliers") == ["lesson-1", "lesson-2", "lesson-3", "lesson-5", "lesson-4"]


@pytest.mark.parametrize(
    ("ranked_tier_size", "text_matches_in_order"),
    [(3, [2, 4, 6, 8, 10, 12]), (100, [2, 8, 4, 10, 6, 12])],  # six: catalog order past three; ranked by mentions below a hundred
)
def test_pages_across_tiers_read_as_one_list(track, monkeypatch, ranked_tier_size, text_matches_in_order):
    monkeypatch.setattr(search, "RANKED_TIER_SIZE", ranked_tier_size)
    for number in range(1, 13):
        title, summary = {3: ("Merge tables", "-"), 1: ("Tables", "Merge them.")}.get(number % 4, ("Tables", "-"))
        add_lesson(track, number, title=title, summary=summary, body=FILLER + " merge" * (number % 3 + 1))
    rebuild_search_index()
    results = search_lessons("merge")

    everything = [lesson.slug for lesson in results[:50]]

    assert results.count() == 12
    assert sorted(everything[:3]) == sorted(["lesson-3", "lesson-7", "lesson-11"])  # in the title
    assert sorted(everything[3:6]) == sorted(["lesson-1", "lesson-5", "lesson-9"])  # in the summary
    assert everything[6:] == [f"lesson-{number}" for number in text_matches_in_order]
    for size in (1, 2, 5):
        pages = [search_lessons("merge")[start : start + size] for start in range(0, 14, size)]
        assert [lesson.slug for page in pages for lesson in page] == everything


def test_word_forms_match_both_ways(track):
    add_lesson(track, 1, title="Joining tables", body=f"{FILLER} Each join keeps the keys.")
    add_lesson(track, 2, title="Charts")
    rebuild_search_index()

    assert slugs("joins") == ["lesson-1"]
    assert slugs("joined") == ["lesson-1"]


def test_every_word_must_match(track):
    add_lesson(track, 1, title="Merge and concat")
    add_lesson(track, 2, title="Merge only")
    rebuild_search_index()

    assert slugs("merge concat") == ["lesson-1"]
    assert sorted(slugs("merge")) == ["lesson-1", "lesson-2"]


def test_the_excerpt_marks_the_words_and_escapes_the_lesson_text(track):
    add_lesson(track, 1, title="Safe text", body='Never run <script>alert("x")</script> from a pivoted table & friends.')
    rebuild_search_index()

    [lesson] = search_lessons("pivots")[:10]

    assert "<mark>pivoted</mark>" in lesson.excerpt
    assert "<script>" not in lesson.excerpt  # escaped on SQLite; PostgreSQL's headline drops tag-like words
    assert "alert(&quot;x&quot;)" in lesson.excerpt
    assert "&amp; friends" in lesson.excerpt


def test_a_search_counts_every_match_and_pages_through_them(track):
    for number in range(1, 8):
        add_lesson(track, number, title=f"Sampling part {number}")
    rebuild_search_index()
    results = search_lessons("sampling")

    first, second = results[:5], results[5:10]

    assert results.count() == 7
    assert [lesson.slug for lesson in first + second] == [f"lesson-{number}" for number in range(1, 8)]  # equal ranks: catalog order


def test_search_within_one_track(track):
    other = Track.objects.create(slug="other", title="Other", summary="", order=2)
    add_lesson(track, 1, title="Outliers in tables")
    lesson = add_lesson(other, 2, title="Outliers in charts")
    rebuild_search_index()

    assert slugs("outliers", track="other") == [lesson.slug]
    assert search_lessons("outliers", track="other").count() == 1


def test_search_within_a_track_without_published_lessons_finds_nothing(track):
    Track.objects.create(slug="empty", title="Empty", summary="", order=2)
    add_lesson(track, 1, title="Outliers in tables")
    rebuild_search_index()

    assert slugs("outliers", track="empty") == []
    assert search_lessons("outliers", track="empty").count() == 0


def test_archived_lessons_and_tracks_are_not_found(mini_course):
    import_catalog(mini_course)
    assert slugs("merge") == ["combining-tables"]

    shutil.rmtree(mini_course / "advanced/01-combining-tables")
    edit(mini_course / "basics/02-second-steps/lesson.md", "related: [combining-tables]\n", "")
    import_catalog(mini_course)

    assert slugs("merge") == []


def test_an_import_updates_what_search_finds(mini_course):
    import_catalog(mini_course)
    edit(mini_course / "basics/01-first-steps/lesson.md", "Load a table and look at it.", "Load a spreadsheet and look at it.")

    import_catalog(mini_course)

    assert slugs("spreadsheets") == ["first-steps"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "-",
        "*",
        "pivot*",
        "-pivot",
        '"unclosed phrase',
        "title:pivot",
        "NEAR(pivot table)",
        "pivot AND OR NOT",
        "((",
        "^pivot",
        "a & b | !c <-> d:*",
        "'; DROP TABLE lessons_lesson; --",
        "x" * 5000,
        "pivot " * 300,
        "\x00pivot\x02\x03",
        "the and of to",
        "café 数据 🙂",
        "_",
    ],
)
def test_hostile_queries_never_raise_a_database_error(client, track, query):
    add_lesson(track, 1, title="Pivot tables")
    rebuild_search_index()

    results = search_lessons(query)
    assert isinstance(results[:50], list)
    assert results.count() >= 0
    assert client.get("/", {"q": query}).status_code == 200
    response = client.get("/api/lessons/", {"search": query[:200]})
    assert response.status_code == 200 or response.json()["search"] == ["Null characters are not allowed."]


def test_a_query_of_stop_words_only_finds_nothing_without_asking_the_database(track, django_assert_num_queries):
    add_lesson(track, 1, title="The and of")
    rebuild_search_index()

    with django_assert_num_queries(0):
        assert search_lessons("the and of").count() == 0
        assert search_lessons("the and of")[:50] == []


def test_search_words_are_plain_lower_case_words_without_stop_words():
    assert search_words('Pivot "Tables" -and the sort_values(*)') == ["pivot", "tables", "sort", "values"]
    assert len(search_words(" ".join(f"word{n}" for n in range(20)))) == 8


def test_catalog_page_shows_where_the_words_matched(client, mini_course):
    import_catalog(mini_course)

    html = client.get("/", {"q": "sorting"}).content.decode()

    assert "1 lesson match “sorting”" in html
    assert '<p class="lesson-row__excerpt">' in html
    assert re.search(r"<mark>sort(ing)?</mark>", html, re.IGNORECASE)


def test_api_search_is_ranked_and_paginated(client, track):
    add_lesson(track, 1, title="Notes", body=f"{FILLER} Mention a histogram once.")
    add_lesson(track, 2, title="Histogram basics")
    add_lesson(track, 3, title="Histograms and bins")
    rebuild_search_index()

    body = client.get("/api/lessons/", {"search": "histograms", "page_size": 2}).json()

    assert body["count"] == 3
    assert [lesson["slug"] for lesson in body["results"]] == ["lesson-2", "lesson-3"]
    assert client.get(body["next"]).json()["results"][0]["slug"] == "lesson-1"


def test_the_catalog_pages_through_many_matches(client, track):
    for number in range(1, 26):
        add_lesson(track, number, title=f"Forecasting part {number}")
    rebuild_search_index()

    first = client.get("/", {"q": "forecast"}).content.decode()
    second = client.get("/", {"q": "forecast", "page": "2"}, headers={"HX-Request": "true"}).content.decode()

    assert "25 lessons match “forecast”: 1 to 20, best first" in first
    assert first.count('class="lesson-row"') == 20
    assert 'rel="next" href="?q=forecast&amp;page=2"' in first
    assert 'rel="prev"' not in first
    assert second.strip().startswith('<div id="catalog-results"')
    assert "21 to 25" in second
    assert second.count('class="lesson-row"') == 5
    assert 'rel="prev" href="?q=forecast&amp;page=1"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2.5", "9" * 30])
def test_a_page_number_we_never_wrote_shows_the_first_page(client, track, page):
    add_lesson(track, 1, title="Forecasting")
    rebuild_search_index()

    html = client.get("/", {"q": "forecast", "page": page}).content.decode()

    assert "1 lesson match “forecast”" in html
    assert "Forecasting" in html


def test_a_page_past_the_last_says_there_are_no_more_matches(client, track):
    add_lesson(track, 1, title="Forecasting")
    rebuild_search_index()

    html = client.get("/", {"q": "forecast", "page": "7"}).content.decode()

    assert "There are no more matches." in html
    assert 'href="?q=forecast"' in html
