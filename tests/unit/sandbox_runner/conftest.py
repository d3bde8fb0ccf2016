import pytest

from tests.security.conftest import bubblewrap_present  # noqa: F401 - these tests run real sandboxes


@pytest.fixture(autouse=True)
def fresh_file_storage(settings, tmp_path):
    """Give every test its own empty file storage, so a test sees only the files it made."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}},
    }
