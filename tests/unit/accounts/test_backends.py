"""Each request finds its signed-in account (AccountBackend): still Django's rules for who stays signed in."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_a_signed_in_request_finds_its_account(client, learner):
    client.force_login(learner)

    assert settings.AUTHENTICATION_BACKENDS == ["accounts.backends.AccountBackend"]
    assert client.get("/api/progress/").status_code == 200


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, learner):
    client.force_login(learner)
    learner.is_active = False
    learner.save()

    assert client.get("/api/progress/").status_code in (401, 403)


def test_a_password_changed_elsewhere_signs_this_browser_out(client, learner):
    client.force_login(learner)
    learner.set_password("a-new-long-password")
    learner.save()

    assert client.get("/api/progress/").status_code in (401, 403)


def test_an_account_deleted_meanwhile_leaves_the_request_anonymous(client, learner):
    client.force_login(learner)
    learner.delete()

    assert client.get("/api/progress/").status_code in (401, 403)
