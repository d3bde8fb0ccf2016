"""Every API error is JSON with a `detail` sentence, whatever refused the request."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from config.api import exception_handler, validation_error_body
from config.urls import bad_request, server_error
from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Run, Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mini_course):
    import_catalog(mini_course)


def test_a_400_has_a_detail_and_the_messages_of_each_field(client, course):
    response = client.post("/api/runs/", {"code": "1", "exercise": "no-such-lesson"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "exercise: No lesson 'no-such-lesson' has an exercise.",
        "exercise": ["No lesson 'no-such-lesson' has an exercise."],
    }


def test_errors_beside_fields_and_nested_fields_are_flattened_into_lists_of_messages():
    assert validation_error_body(["Wrong credentials."]) == {"detail": "Wrong credentials.", "non_field_errors": ["Wrong credentials."]}
    assert validation_error_body({"rows": [{}, {"name": ["Too long."]}], "limits": {"memory_mb": ["Too big."]}}) == {
        "detail": "rows.1.name: Too long.; limits.memory_mb: Too big.",
        "rows.1.name": ["Too long."],
        "limits.memory_mb": ["Too big."],
    }


def test_a_json_body_over_the_size_limit_is_a_json_413_and_stores_nothing(client, course, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post("/api/runs/", {"code": "x" * 2000}, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is larger than this site accepts")
    assert not Run.objects.exists()


def test_an_upload_over_the_size_limit_is_a_json_413_and_stores_nothing(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post("/api/uploads/", {"file": SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * 1000)})

    assert response.status_code == 413
    assert "larger than this site accepts" in response.json()["detail"]
    assert not Upload.objects.exists()


def test_djangos_own_size_refusal_inside_a_view_becomes_a_413():
    response = exception_handler(RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."), {})

    assert response.status_code == 413
    assert "larger than this site accepts" in response.data["detail"]


def test_a_refusal_before_any_view_is_json_on_the_api_and_html_elsewhere():
    factory = RequestFactory()

    too_big = bad_request(factory.post("/api/runs/"), RequestDataTooBig("too big"))
    unreadable = bad_request(factory.post("/api/runs/"), ValueError("bad"))
    page = bad_request(factory.post("/lessons/"), RequestDataTooBig("too big"))

    assert (too_big.status_code, json.loads(too_big.content)["detail"]) == (413, "The request body is larger than this site accepts.")
    assert (unreadable.status_code, json.loads(unreadable.content)["detail"]) == (400, "The request could not be read.")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_a_crash_on_the_api_answers_json():
    response = server_error(RequestFactory().get("/api/tracks/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "detail" in json.loads(response.content)


def test_a_form_encoded_body_is_a_json_415(client, course):
    response = client.post("/api/runs/", {"code": "print(1)"})

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported media type")
    assert not Run.objects.exists()


def test_asking_for_a_format_the_api_does_not_speak_is_a_json_406(client):
    response = client.get("/api/tracks/", headers={"Accept": "application/xml"})

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}


def test_an_unsupported_method_is_a_json_405(client):
    response = client.put("/api/tracks/", {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("page_size", ["0", "201", "ten", "-1"])
def test_a_page_size_out_of_range_is_refused_rather_than_ignored(client, course, page_size):
    response = client.get("/api/lessons/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["page_size"] == ["Give a whole number from 1 to 200."]


def test_blank_filters_mean_no_filter(client, course):
    body = client.get("/api/lessons/", {"track": "", "search": ""}).json()

    assert body["count"] == 3
