from __future__ import annotations

import pytest
import yaml

from lessons.authoring.importer import import_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(mini_course):
    import_catalog(mini_course)


def test_tracks_are_listed_in_catalog_order_with_lesson_counts(client, imported):
    response = client.get("/api/tracks/")

    assert response.status_code == 200
    assert [(track["slug"], track["lesson_count"]) for track in response.json()] == [("basics", 2), ("advanced", 1)]


def test_lessons_are_paginated_in_catalog_order(client, imported):
    body = client.get("/api/lessons/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert [lesson["slug"] for lesson in body["results"]] == ["first-steps", "second-steps"]
    assert body["results"][0] == {
        "slug": "first-steps",
        "title": "First steps",
        "summary": "Load a table and look at it.",
        "minutes": 5,
        "track": "basics",
        "track_title": "Basics",
        "position": 1,
        "url": "/lessons/first-steps/",
    }
    assert body["next"].endswith("page=2&page_size=2")


def test_lessons_filter_by_track_and_search(client, imported):
    assert [lesson["slug"] for lesson in client.get("/api/lessons/", {"track": "advanced"}).json()["results"]] == ["combining-tables"]
    assert [lesson["slug"] for lesson in client.get("/api/lessons/", {"search": "sort_values"}).json()["results"]] == ["second-steps"]
    assert [lesson["slug"] for lesson in client.get("/api/lessons/", {"search": "table", "track": "basics"}).json()["results"]] == ["first-steps"]


def test_unknown_track_filter_is_a_clear_400(client, imported):
    response = client.get("/api/lessons/", {"track": "cooking"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "track: There is no track 'cooking'; /api/tracks/ lists them.",
        "track": ["There is no track 'cooking'; /api/tracks/ lists them."],
    }


def test_page_out_of_range_is_a_json_404(client, imported):
    response = client.get("/api/lessons/", {"page": 9})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_lesson_detail_has_position_map_and_related(client, imported):
    body = client.get("/api/lessons/second-steps/").json()

    assert (body["position"], body["of"]) == (2, 3)
    assert [section["anchor"] for section in body["sections"]] == ["filtering-rows", "sorting-rows"]
    assert body["sections"][0]["url"] == "/lessons/second-steps/#filtering-rows"
    assert body["key_terms"] == [{"term": "filter", "definition": "Keep the rows where a condition holds.", "anchor": "term-filter"}]
    assert body["related"][0]["slug"] == "combining-tables"
    assert (body["previous"]["slug"], body["next"]["slug"]) == ("first-steps", "combining-tables")


def test_lesson_detail_never_exposes_answers(client, imported):
    body = client.get("/api/lessons/first-steps/").content.decode()

    assert "pd.open" not in body  # a quiz choice: quizzes are not part of the catalog API
    assert "check_row_count" not in body


def test_unknown_lesson_and_unknown_endpoint_are_json_404s(client, imported):
    assert client.get("/api/lessons/nope/").json() == {"detail": "No Lesson matches the given query."}
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is no API endpoint at /api/nothing-here/")


def test_api_is_read_only(client, imported):
    response = client.post("/api/lessons/", {"title": "x"}, content_type="application/json")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


def test_openapi_schema_describes_the_catalog(client):
    response = client.get("/api/schema/")

    schema = yaml.safe_load(response.content)
    assert {"/api/tracks/", "/api/lessons/", "/api/lessons/{slug}/"} <= set(schema["paths"])
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/lessons/"]["get"]["parameters"]}
    assert {"track", "search", "page", "page_size"} <= parameters


def test_api_docs_page_loads_its_assets_locally(client):
    html = client.get("/api/docs/").content.decode()

    assert "swagger-ui" in html
    # No asset from another host (a bare "cdn" could appear inside a random token).
    assert "//cdn" not in html.lower()
    assert 'src="http' not in html
    assert 'href="http' not in html
