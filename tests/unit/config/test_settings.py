"""Settings come from the environment, strictly: typos and missing secrets stop the start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "secret": settings.SECRET_KEY,
}))
"""


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path), **env})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)


def loaded(tmp_path: Path, **env: str) -> dict:
    result = load_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults_need_no_server(tmp_path):
    settings = loaded(tmp_path, DEBUG="true")

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["database"] == str(tmp_path / "lessonbox.sqlite3")
    assert settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings["broker"] == "filesystem://localhost/"
    assert (tmp_path / "broker" / "processed").is_dir()
    assert (tmp_path / "broker" / "control").is_dir()


def test_production_services_come_from_the_environment(tmp_path):
    settings = loaded(
        tmp_path,
        SECRET_KEY="s3cret",
        ALLOWED_HOSTS="lessons.example.org, www.example.org",
        DATABASE_URL="postgres://app:pw@db.example.org:5432/lessonbox",
        REDIS_URL="redis://cache.example.org:6379/0",
        CELERY_BROKER_URL="amqp://guest:guest@rabbit.example.org:5672//",
    )

    assert settings["debug"] is False
    assert settings["hosts"] == ["lessons.example.org", "www.example.org"]
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["broker"] == "amqp://guest:guest@rabbit.example.org:5672//"


def test_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = load_settings(tmp_path, ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "Set SECRET_KEY (or SECRET_KEY_FILE) when DEBUG is off." in result.stderr


def test_refuses_to_start_without_allowed_hosts_when_debug_is_off(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="s3cret")

    assert "Set ALLOWED_HOSTS" in result.stderr


def test_a_typo_in_a_boolean_stops_the_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="ture")

    assert "DEBUG='ture' is not a boolean; use true or false." in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    (tmp_path / "key").write_text("from-a-file\n")

    assert loaded(tmp_path, SECRET_KEY_FILE=str(tmp_path / "key"), ALLOWED_HOSTS="example.org")["secret"] == "from-a-file"


def test_env_helpers_reject_what_they_cannot_read(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("HOSTS", " a, ,b ")
    monkeypatch.setenv("KEY", "x")
    monkeypatch.setenv("KEY_FILE", "/nonexistent")

    with pytest.raises(ImproperlyConfigured, match="is not a whole number"):
        env_int("NUMBER", default=1)
    assert env_bool("FLAG", default=False) is True
    assert env_list("HOSTS", default=[]) == ["a", "b"]
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("KEY")
