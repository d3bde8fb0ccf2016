"""FILE_STORAGE chooses where runs' files and uploads live: a local folder, or an S3-compatible store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(default_storage).__name__,
    "options": {k: v for k, v in settings.STORAGES["default"].get("OPTIONS", {}).items() if k != "secret_key"},
    "bucket": getattr(default_storage, "bucket_name", None),
    "endpoint": getattr(default_storage, "endpoint_url", None),
    "has_secret": bool(getattr(default_storage, "secret_key", None)),
    "location": str(getattr(default_storage, "location", "")),
}))
"""
NAMES = ("FILE_STORAGE", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_ACCESS_KEY_ID", "AWS_S3_SECRET_ACCESS_KEY", "AWS_LOCATION")


def probe(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if name not in NAMES}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path), "DEBUG": "true", **env})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_files_are_stored_under_the_data_dir_by_default(tmp_path):
    result = probe(tmp_path)

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["backend"] == "django.core.files.storage.FileSystemStorage"
    assert loaded["location"] == str(tmp_path / "media")


def test_an_s3_compatible_store_is_one_setting_away(tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("not-a-real-secret\n")

    result = probe(
        tmp_path,
        FILE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="lessonbox-files",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_ACCESS_KEY_ID="key-id",
        AWS_S3_SECRET_ACCESS_KEY_FILE=str(secret),
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["backend"] == "storages.backends.s3.S3Storage"
    assert loaded["class"] == "S3Storage"
    assert (loaded["bucket"], loaded["endpoint"], loaded["has_secret"]) == ("lessonbox-files", "https://objects.example.org", True)
    assert loaded["options"]["file_overwrite"] is False
    assert loaded["options"]["querystring_auth"] is True
    assert loaded["options"]["location"] == "lessonbox"


def test_s3_without_a_bucket_stops_the_start_with_a_message(tmp_path):
    result = probe(tmp_path, FILE_STORAGE="s3")

    assert result.returncode != 0
    assert "Set AWS_STORAGE_BUCKET_NAME when FILE_STORAGE=s3." in result.stderr


def test_an_unknown_storage_stops_the_start_with_a_message(tmp_path):
    result = probe(tmp_path, FILE_STORAGE="s4")

    assert result.returncode != 0
    assert "FILE_STORAGE='s4' is not one of local, s3." in result.stderr
