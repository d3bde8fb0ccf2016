"""Sessions are Django's database sessions, read with one prepared SELECT: the same rows, the same expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from common.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_loads_with_its_data():
    session = SessionStore()
    session["lessonbox_browser_key"] = "browser-1"
    session.create()

    loaded = SessionStore(session.session_key)

    assert loaded["lessonbox_browser_key"] == "browser-1"
    assert loaded.session_key == session.session_key


def test_an_expired_or_unknown_session_loads_empty_and_gets_a_new_key_when_written():
    session = SessionStore()
    session["lessonbox_browser_key"] = "browser-1"
    session.create()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    expired = SessionStore(session.session_key)
    unknown = SessionStore("x" * 32)

    assert "lessonbox_browser_key" not in expired
    assert "lessonbox_browser_key" not in unknown
    expired["lessonbox_browser_key"] = "browser-2"
    expired.save()
    assert expired.session_key != session.session_key


def test_signing_in_and_out_through_the_site_uses_these_sessions(client, learner, settings):
    assert settings.SESSION_ENGINE == "common.sessions"
    client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse"})
    assert client.get("/api/progress/").status_code == 200

    client.post("/accounts/sign-out/")

    assert client.get("/api/progress/").status_code in (401, 403)
