"""Accounts: email as the login, sign up/in/out, passwords, rate limits and CSRF."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_email_address_is_the_login_whatever_its_case(client):
    get_user_model().objects.create_user(" Alice@Example.org ", "correct-horse-battery")

    response = client.post("/accounts/sign-in/", {"username": "ALICE@example.org", "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.email == "alice@example.org"


def test_one_address_makes_one_account_whatever_its_case(client, learner):
    response = client.post("/accounts/sign-up/", {"email": "ALICE@example.com", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"})

    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_signing_up_signs_in_and_goes_where_the_learner_was(client):
    response = client.post(
        "/accounts/sign-up/",
        {"email": "dana@example.com", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase", "next": "/lessons/x/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/lessons/x/"
    assert client.get("/").wsgi_request.user.email == "dana@example.com"


def test_sign_up_never_redirects_to_another_site(client):
    response = client.post(
        "/accounts/sign-up/",
        {"email": "dana@example.com", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"


def test_weak_passwords_are_refused_with_reasons(client):
    response = client.post("/accounts/sign-up/", {"email": "dana@example.com", "password1": "123", "password2": "123"})

    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_every_page_links_to_sign_in_or_shows_the_account(client, learner):
    assert 'href="/accounts/sign-in/"' in client.get("/").content.decode()

    client.force_login(learner)
    page = client.get("/").content.decode()
    assert 'action="/accounts/sign-out/"' in page
    assert "Sign in</a>" not in page


def test_signing_out_needs_a_post_with_a_csrf_token(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    assert browser.post("/accounts/sign-out/").status_code == 403
    page = browser.get("/accounts/password/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post("/accounts/sign-out/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert not browser.get("/").wsgi_request.user.is_authenticated


def test_account_forms_carry_a_csrf_token(client):
    for path in ["/accounts/sign-in/", "/accounts/sign-up/", "/accounts/password/reset/"]:
        assert 'name="csrfmiddlewaretoken"' in client.get(path).content.decode(), path


def test_sign_in_without_a_csrf_token_is_refused(learner):
    browser = Client(enforce_csrf_checks=True)

    assert browser.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse"}).status_code == 403


def test_sign_in_is_rate_limited_per_address(client, learner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-in": "3/m"}
    for _ in range(3):
        assert client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "wrong"}).status_code == 200

    refused = client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse"})

    assert refused.status_code == 429
    assert "Too many tries" in refused.content.decode()


def test_guessing_one_accounts_password_from_many_addresses_is_rate_limited(client, learner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-in-account": "2/h"}
    for n in range(2):
        client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}")

    refused = client.post("/accounts/sign-in/", {"username": "Alice@example.com", "password": "correct-horse"}, REMOTE_ADDR="10.0.0.9")

    assert refused.status_code == 429


def test_sign_up_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up": "1/h"}
    client.post("/accounts/sign-up/", {"email": "a@example.com", "password1": "x", "password2": "y"})

    assert client.post("/accounts/sign-up/", {"email": "b@example.com", "password1": "x", "password2": "y"}).status_code == 429


def test_password_reset_mails_a_link_that_sets_a_new_password(client, learner):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-brand-new-phrase", "new_password2": "a-brand-new-phrase"})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-brand-new-phrase")


def test_password_reset_says_the_same_for_unknown_addresses(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_needs_the_old_password(client, learner):
    client.force_login(learner)

    wrong = client.post("/accounts/password/", {"old_password": "nope", "new_password1": "another-long-one", "new_password2": "another-long-one"})
    right = client.post(
        "/accounts/password/", {"old_password": "correct-horse", "new_password1": "another-long-one", "new_password2": "another-long-one"}
    )

    assert wrong.status_code == 200
    assert right.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("another-long-one")
