"""Fixtures shared by every test: personas and content trees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_CONTENT = Path(__file__).parent.parent / "content"


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache: no page, fragment or rate-limit count from another test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def steady_rate_limit_windows(monkeypatch):
    """Hold the rate limiter's clock at the start of a window (and of every shorter one).

    Its windows are aligned to the clock, so a test that makes three requests could
    otherwise see a minute turn between the second and the third on a busy machine.
    """
    import types

    from common import ratelimit

    start_of_a_day = 1_800_000_000 - 1_800_000_000 % 86_400 + 1
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: start_of_a_day))


@pytest.fixture
def mini_course(tmp_path: Path) -> Path:
    """Return a fresh copy of a small valid content tree that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini-course", target)
    return target


@pytest.fixture
def tides(db, tmp_path):
    """The tides lesson of a tiny course whose text plainly answers a few questions, with a quiz (tests/tutor_course.py)."""
    from tests.tutor_course import import_sea_course

    return import_sea_course(tmp_path)


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("alice@example.com", "correct-horse")


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("bob@example.com", "correct-horse", is_staff=True, is_superuser=True)


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("charlie@example.com", "correct-horse")


def edit(path: Path, old: str, new: str) -> None:
    """Replace old with new in a file, failing loudly if old is not there."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
