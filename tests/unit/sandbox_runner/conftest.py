from tests.security.conftest import bubblewrap_present  # noqa: F401 - these tests run real sandboxes
