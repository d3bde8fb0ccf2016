from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertInHTML

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from tests.factories import make_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(mini_course):
    import_catalog(mini_course)
    return mini_course


def test_catalog_lists_tracks_and_lessons_in_order(client, imported):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Basics") < html.index("First steps") < html.index("Second steps") < html.index("Advanced") < html.index("Combining tables")
    assert "3 lessons in order" in html


def test_search_without_javascript_returns_a_full_page(client, imported):
    response = client.get("/", {"q": "merge"})

    assert "<html" in response.content.decode()
    assert "1 lesson match “merge”" in response.content.decode()
    assert "Combining tables" in response.content.decode()


def test_search_with_htmx_returns_only_the_results(client, imported):
    response = client.get("/", {"q": "sort"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div id="catalog-results"')
    assert "Second steps" in html
    assert response["Vary"].count("HX-Request") == 1


def test_search_finds_key_terms_and_body_text(client, imported):
    assert "First steps" in client.get("/", {"q": "DataFrame"}).content.decode()
    assert "Combining tables" in client.get("/", {"q": "row counts"}).content.decode()


def test_search_with_no_match_says_so(client, imported):
    assert "No lesson mentions all of those words" in client.get("/", {"q": "quantum chromodynamics"}).content.decode()


def test_lesson_page_shows_map_sections_terms_and_position(client, imported):
    response = client.get("/lessons/first-steps/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lesson 1 of 3" in html
    assert html.count("<h1") == 1
    assert '<a href="#loading-a-table">' in html
    assert '<a class="chip" href="#term-dataframe">DataFrame</a>' in html
    assert 'id="term-dataframe"' in html
    assert "Look before you compute." in html
    assert '<h2 id="applied-exercise" tabindex="-1">Applied exercise</h2>' in html


def test_lesson_page_shows_the_exercise_with_its_data_files(client, imported):
    html = client.get("/lessons/first-steps/").content.decode()

    assert "Count the rows" in html
    assert 'href="/lessons/first-steps/exercise/files/data/scores.csv"' in html
    assert "check_row_count" not in html  # checks never reach the browser
    assert "len(scores)" not in html  # nor does the solution


def test_exercise_data_file_downloads(client, imported):
    response = client.get("/lessons/first-steps/exercise/files/data/scores.csv")

    assert response.status_code == 200
    assert response.content.startswith(b"name,score")
    assert "attachment" in response["Content-Disposition"]


def test_lesson_page_links_previous_next_and_related(client, imported):
    html = client.get("/lessons/second-steps/").content.decode()

    assert 'rel="prev" href="/lessons/first-steps/"' in html
    assert 'rel="next" href="/lessons/combining-tables/"' in html
    keep_going = html[html.index("Keep going") :]
    assert keep_going.index("Combining tables") < keep_going.index("First steps")  # the author's link comes first


@pytest.mark.parametrize("path", ["/", "/?q=table", "/tracks/basics/", "/lessons/first-steps/"])
def test_no_template_syntax_leaks_into_a_page(client, imported, path):
    html = client.get(path).content.decode()

    assert "{#" not in html
    assert "{%" not in html
    assert "{{" not in html


def test_anonymous_pages_are_served_whole_from_the_cache(client, imported, django_assert_num_queries):
    client.get("/lessons/first-steps/")

    with django_assert_num_queries(0):
        response = client.get("/lessons/first-steps/")

    assert "First steps" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_learners_get_a_fresh_page_with_their_csrf_token(client, imported, learner):
    client.get("/lessons/first-steps/")  # an anonymous copy is in the cache now
    client.force_login(learner)

    html = client.get("/lessons/first-steps/").content.decode()

    assert "X-CSRFToken" in html
    assert "X-CSRFToken" not in Client().get("/lessons/first-steps/").content.decode()


def test_archived_lesson_is_hidden_from_learners_but_previewable_by_staff(client, imported, author):
    Lesson.objects.filter(slug="second-steps").update(is_archived=True)

    assert client.get("/lessons/second-steps/").status_code == 404
    client.force_login(author)
    assert "Preview: this lesson is archived" in client.get("/lessons/second-steps/").content.decode()


def test_unknown_lesson_is_404(client, imported):
    assert client.get("/lessons/no-such-lesson/").status_code == 404


def test_track_page_lists_its_lessons(client, imported):
    html = client.get("/tracks/basics/").content.decode()

    assert "First steps" in html
    assert "Combining tables" not in html


def test_import_refreshes_a_cached_lesson_page(client, imported, django_capture_on_commit_callbacks):
    assert "Load a table and look at it." in client.get("/lessons/first-steps/").content.decode()
    assert "Load a table and look at it." in client.get("/lessons/first-steps/").content.decode()  # from the cache
    lesson_file = imported / "basics/01-first-steps/lesson.md"
    lesson_file.write_text(lesson_file.read_text().replace("Load a table and look at it.", "A brand new summary."))

    with django_capture_on_commit_callbacks(execute=True):
        import_catalog(imported)

    assert "A brand new summary." in client.get("/lessons/first-steps/").content.decode()


@pytest.mark.slow
@pytest.mark.parametrize("size", [12, 2500])
def test_pages_run_a_fixed_number_of_queries_whatever_the_catalog_size(client, size, django_assert_max_num_queries):
    lessons = make_catalog(tracks=5, lessons_per_track=size // 5, with_related=size < 100)
    middle = lessons[len(lessons) // 2]

    # A one-word search reads at most three tiers, each once in catalog order and once more
    # to rank a small one, then the total and the page's lessons.
    for url, limit in [(middle.get_absolute_url(), 9), ("/", 4), ("/?q=topic3", 3 * 2 + 2), (f"/tracks/{middle.track.slug}/", 3)]:
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        assert len(cold) <= limit, (url, [query["sql"] for query in cold])
    client.get(middle.get_absolute_url())  # fills the fragment cache
    with CaptureQueriesContext(connection) as warm:
        client.get(middle.get_absolute_url())
    assert len(warm) <= 3, [query["sql"] for query in warm]


def test_the_catalog_version_is_shared_through_a_file_when_each_process_caches_alone(settings, tmp_path):
    from lessons.services import bump_catalog_version, catalog_version

    settings.CATALOG_VERSION_FILE = tmp_path / "catalog-version"
    before = catalog_version()

    bump_catalog_version()

    assert catalog_version() == before + 1
    assert settings.CATALOG_VERSION_FILE.read_text() == str(before + 1)  # what every other web process reads


def lesson_links(html: str) -> set[str]:
    return set(re.findall(r'class="lesson-row__title" href="(/lessons/[^"]+/)"', html))


def test_the_lesson_map_shows_each_tracks_size_and_first_lessons(client):
    make_catalog(tracks=2, lessons_per_track=8, with_related=False)

    html = client.get("/").content.decode()

    assert "16 lessons in order" in html
    assert html.count('<span class="track__size">8 lessons</span>') == 2
    assert lesson_links(html) == {f"/lessons/lesson-{t}-{n}/" for t in range(2) for n in range(5)}
    assertInHTML(
        '<a href="/tracks/track-0/" hx-get="/tracks/track-0/" hx-target="#track-lessons-track-0" hx-swap="outerHTML">'
        'Show all 8 lessons<span class="visually-hidden"> of Track 0</span></a>',
        html,
    )


def test_a_track_with_few_lessons_shows_them_all_without_a_show_all_link(client, imported):
    html = client.get("/").content.decode()

    assert lesson_links(html) == {"/lessons/first-steps/", "/lessons/second-steps/", "/lessons/combining-tables/"}
    assert "Show all" not in html


def test_show_all_swaps_in_the_whole_track_in_the_maps_form_from_the_cache(client, django_assert_num_queries):
    make_catalog(tracks=2, lessons_per_track=8, with_related=False)

    response = client.get("/tracks/track-1/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.strip().startswith('<div class="track__lessons" id="track-lessons-track-1">')
    assert "<html" not in html
    assert "Show all" not in html
    assert lesson_links(html) == {f"/lessons/lesson-1-{n}/" for n in range(8)}
    assert '<a class="lesson-row__title" href="/lessons/lesson-1-5/" autofocus>' in html  # the first lesson the map did not show
    assert '<span class="lesson-row__number" aria-hidden="true">16</span>' in html  # numbered in the whole catalog, as on the map
    assert response["Vary"].count("HX-Request") == 1
    with django_assert_num_queries(0):
        assert client.get("/tracks/track-1/", headers={"HX-Request": "true"}).content == response.content
    assert "<html" in client.get("/tracks/track-1/").content.decode()  # without htmx: the track page


def test_every_lesson_is_reachable_from_the_lesson_map(client):
    lessons = make_catalog(tracks=3, lessons_per_track=12, with_related=False)

    reachable = lesson_links(client.get("/").content.decode())
    for track in ("track-0", "track-1", "track-2"):
        reachable |= lesson_links(client.get(f"/tracks/{track}/", headers={"HX-Request": "true"}).content.decode())
        assert lesson_links(client.get(f"/tracks/{track}/").content.decode()) >= {
            lesson.get_absolute_url() for lesson in lessons if lesson.track.slug == track
        }

    assert reachable == {lesson.get_absolute_url() for lesson in lessons}


@pytest.mark.slow
def test_the_lesson_map_stays_light_at_2500_lessons(client):
    make_catalog(tracks=25, lessons_per_track=100, sections=1, with_related=False)

    html = client.get("/").content.decode()

    assert "2500 lessons in order" in html
    assert len(html.encode()) < 150_000
