"""manage.py tutor_eval: the figures for each question set given, and a clear error without the lessons."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.importer import import_catalog

pytestmark = pytest.mark.django_db

SET = """lessons:
  - lesson: tides
    answerable:
      - question: "How many high tides do most coasts have a day?"
        facts: [["two high tides"]]
        section: reading-a-tide-table
    unanswerable:
      - question: "Who won the football world cup in 1998?"
        kind: off-topic
"""


def test_each_set_given_is_scored(science_course, tmp_path, capsys):
    import_catalog(science_course)
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(SET)
    second.write_text(SET)

    call_command("tutor_eval", "--demo", str(first), "--demo", str(second), "--misses")

    out = capsys.readouterr().out
    assert "Demo course: first.yaml, offline engine" in out
    assert "Demo course: second.yaml, offline engine" in out
    assert out.count("answerable      1: answered correctly, citing the right section 100.0%") == 2
    assert out.count("unanswerable    1: refused 100.0%") == 2


def test_a_set_about_lessons_not_imported_is_a_clear_error(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text(SET)
    with pytest.raises(CommandError, match="import the demo course first"):
        call_command("tutor_eval", "--demo", str(path))
