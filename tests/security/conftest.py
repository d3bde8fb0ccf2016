from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def bubblewrap_present():
    if shutil.which("bwrap") is None:
        message = "bubblewrap is not installed (Debian package bubblewrap); bin/test installs it"
        if os.environ.get("LESSONBOX_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
