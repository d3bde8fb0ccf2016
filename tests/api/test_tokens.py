"""API clients without a browser: an account's token, and who owns a run made without one."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mini_course):
    import_catalog(mini_course)


def get_token(client: Client, username: str = "alice@example.com", password: str = "correct-horse"):
    return client.post("/api/auth/token/", {"username": username, "password": password}, content_type="application/json")


def token_client(key: str) -> Client:
    """Return a client that keeps no cookie of its own and sends the token on every request."""
    return Client(headers={"Authorization": f"Token {key}"})


def test_an_account_trades_its_password_for_a_token_and_gets_the_same_one_again(client, learner):
    first = get_token(client)
    again = get_token(Client())

    assert first.status_code == 200
    assert first.json() == {"token": Token.objects.get(user=learner).key}
    assert again.json() == first.json()
    assert "sessionid" not in first.cookies  # a token client needs no session


def test_an_account_runs_code_and_reads_the_result_with_its_token_alone(client, course, learner):
    api = token_client(get_token(client).json()["token"])

    created = api.post("/api/runs/", {"code": "print(1)"}, content_type="application/json")
    run = Run.objects.get(pk=created.json()["id"])

    assert created.status_code == 201
    assert "sessionid" not in created.cookies
    assert run.learner == learner
    assert api.get(created.json()["api_url"]).status_code == 200
    browser = Client()
    browser.force_login(learner)
    assert browser.get(created.json()["api_url"]).json()["id"] == run.pk  # the account owns it, whichever client reads
    assert Client().get(created.json()["api_url"]).status_code == 404


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice@example.com", "wrong"), ("nobody@example.com", "correct-horse"), ("alice", "correct-horse")],
)
def test_wrong_credentials_are_a_400_and_make_no_token(client, learner, username, password):
    response = get_token(client, username, password)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "No active account has that name and password.",
        "non_field_errors": ["No active account has that name and password."],
    }
    assert not Token.objects.exists()


def test_an_inactive_account_gets_no_token(client, learner):
    learner.is_active = False
    learner.save()

    assert get_token(client).status_code == 400


def test_missing_fields_are_named(client):
    response = client.post("/api/auth/token/", {}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "username", "password"}


def test_asking_for_tokens_is_rate_limited(client, learner):
    for _ in range(10):
        assert get_token(client, password="guess").status_code == 400

    refused = get_token(client)

    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0


def test_a_forged_forwarded_address_does_not_escape_the_limit(client, learner):
    for number in range(10):
        get_token(Client(headers={"X-Forwarded-For": f"10.0.0.{number}"}), password="guess")

    assert get_token(Client(headers={"X-Forwarded-For": "10.0.1.1"})).status_code == 429


def test_a_revoked_token_no_longer_works(client, learner, course):
    key = get_token(client).json()["token"]
    api = token_client(key)

    assert api.delete("/api/auth/token/").status_code == 204
    response = api.get("/api/tracks/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"
    assert not Token.objects.exists()


def test_revoking_needs_the_account(client):
    response = client.delete("/api/auth/token/")

    assert response.status_code == 401
    assert "Send the token to revoke" in response.json()["detail"]


def test_a_signed_in_browser_needs_its_csrf_token_to_revoke(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    Token.objects.create(user=learner)

    response = browser.delete("/api/auth/token/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Token.objects.exists()


def test_an_anonymous_run_belongs_to_the_session_cookie_set_when_it_was_made(course):
    maker = Client()
    created = maker.post("/api/runs/", {"code": "print(1)"}, content_type="application/json")
    url = created.json()["api_url"]
    cookie = created.cookies["sessionid"].value

    assert created.status_code == 201
    assert Client().get(url).status_code == 404  # a client that keeps no cookie cannot read it back
    assert Client(headers={"Cookie": f"sessionid={cookie}"}).get(url).json()["id"] == created.json()["id"]
    assert maker.get(url).status_code == 200


def test_an_anonymous_run_is_not_readable_by_an_account(course, learner):
    created = Client().post("/api/runs/", {"code": "print(1)"}, content_type="application/json")
    api = token_client(Token.objects.create(user=learner).key)

    assert api.get(created.json()["api_url"]).status_code == 404
