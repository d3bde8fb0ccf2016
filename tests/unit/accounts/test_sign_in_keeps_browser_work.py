"""Signing in loses nothing made before it: the browser's runs and uploads move to the account."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sandbox_runner.models import Run, Upload

pytestmark = pytest.mark.django_db


def make_work(client: Client) -> int:
    client.post("/uploads/", {"file": SimpleUploadedFile("sales.csv", b"region,total\nnorth,12\n"), "next": "/scratchpad/"})
    response = client.post("/api/runs/", {"code": "print('before signing in')"}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_signing_in_moves_the_browsers_runs_and_uploads_to_the_account(client, learner):
    run_id = make_work(client)

    client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse"})

    assert Run.objects.get(pk=run_id).learner == learner
    assert Upload.objects.get().learner == learner
    assert client.get(f"/api/runs/{run_id}/").status_code == 200
    assert [upload["name"] for upload in client.get("/api/uploads/").json()] == ["sales.csv"]


def test_signing_up_moves_them_too(client):
    run_id = make_work(client)

    client.post("/accounts/sign-up/", {"email": "dana@example.com", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"})

    assert Run.objects.get(pk=run_id).learner.email == "dana@example.com"


def test_another_browser_signing_in_to_the_same_account_takes_nothing_else(client, learner):
    run_id = make_work(client)
    elsewhere = Client()

    elsewhere.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse"})

    assert Run.objects.get(pk=run_id).learner is None
    assert elsewhere.get(f"/api/runs/{run_id}/").status_code == 404


def test_a_run_going_at_sign_in_stays_with_the_browser_when_the_account_has_one_going(client, learner):
    Run.objects.create(code="print(1)", learner=learner, status=Run.Status.RUNNING)
    run_id = make_work(client)

    client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse"})

    assert Run.objects.get(pk=run_id).learner is None
    assert Upload.objects.get().learner == learner
