from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.exporter import export_catalog
from lessons.authoring.importer import import_catalog
from tests.conftest import DEMO_CONTENT
from tests.unit.lessons.test_import_content import snapshot

pytestmark = pytest.mark.django_db


def tree_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("source", ["mini-course", "demo-course"])
def test_import_export_import_is_a_fixed_point(source, mini_course, tmp_path, django_db_blocker):
    root = mini_course if source == "mini-course" else DEMO_CONTENT
    import_catalog(root)
    imported = snapshot()

    export_catalog(tmp_path / "first")
    reimport = import_catalog(tmp_path / "first")
    export_catalog(tmp_path / "second")

    assert not reimport.has_changes, reimport.summary_lines()
    assert snapshot() == imported
    assert tree_files(tmp_path / "first") == tree_files(tmp_path / "second")


def test_exported_lesson_keeps_the_authors_markdown(mini_course, tmp_path):
    import_catalog(mini_course)

    export_catalog(tmp_path / "out")

    original = (mini_course / "basics/01-first-steps/lesson.md").read_text()
    exported = (tmp_path / "out/basics/01-first-steps/lesson.md").read_text()
    assert exported.split("---\n", 2)[2].strip() == original.split("---\n", 2)[2].strip()
    assert filecmp.cmp(
        mini_course / "basics/01-first-steps/exercise/data/scores.csv", tmp_path / "out/basics/01-first-steps/exercise/data/scores.csv", shallow=False
    )


def test_export_refuses_a_folder_that_is_not_empty(mini_course):
    import_catalog(mini_course)

    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_content", str(mini_course))
