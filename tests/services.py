"""Reach an outside service, or skip the test; in CI (LESSONBOX_REQUIRE_SERVICES=1) fail instead."""

from __future__ import annotations

import os

import pytest
from kombu import Connection


def require_service(name: str, url: str) -> None:
    try:
        with Connection(url, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        message = f"{name} is not reachable at {url}: {error}"
        if os.environ.get("LESSONBOX_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
