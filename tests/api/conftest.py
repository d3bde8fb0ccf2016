"""Fixtures for calling the API through its WSGI application, as a client outside the process would."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def connection_kept_open():
    # Django's WSGI handler closes the database connection around each request, and the test's
    # transaction lives on it; Django's own test client disconnects the same two signals.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
