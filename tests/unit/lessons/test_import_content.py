from __future__ import annotations

import shutil

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.errors import ContentInvalid
from lessons.authoring.importer import import_catalog
from lessons.models import KeyTerm, Lesson, Section, Track
from quizzes.models import Question
from sandbox_runner.models import Exercise
from tests.conftest import edit

pytestmark = pytest.mark.django_db


def snapshot() -> list:
    """Everything an import could write, to prove a failed import wrote nothing."""
    return [
        list(Track.objects.values_list("slug", "title", "is_archived", "content_hash").order_by("slug")),
        list(Lesson.objects.values_list("slug", "title", "is_archived", "content_hash", "catalog_position").order_by("slug")),
        list(Section.objects.values_list("lesson__slug", "position", "heading").order_by("lesson__slug", "position")),
        list(KeyTerm.objects.values_list("lesson__slug", "term").order_by("lesson__slug", "term")),
        list(Question.objects.values_list("quiz__lesson__slug", "key", "answer", "is_archived").order_by("quiz__lesson__slug", "key")),
        list(Exercise.objects.values_list("lesson__slug", "content_hash", "is_archived").order_by("lesson__slug")),
    ]


def test_valid_tree_is_imported_with_positions_and_parts(mini_course):
    report = import_catalog(mini_course)

    assert report.summary_lines() == ["tracks: 2 added", "lessons: 3 added", "questions: 7 added", "exercises: 1 added"]
    lessons = list(Lesson.objects.published().in_catalog_order())
    assert [(lesson.slug, lesson.catalog_position) for lesson in lessons] == [("first-steps", 1), ("second-steps", 2), ("combining-tables", 3)]
    first = lessons[0]
    assert [section.heading for section in first.sections.all()] == ["Loading a table", "Looking at it", "Applied exercise"]
    assert [section.anchor for section in first.sections.all()] == ["loading-a-table", "looking-at-it", "applied-exercise"]
    assert first.intro_html == "<p>A short introduction.</p>\n"
    assert [term.term for term in first.key_terms.all()] == ["DataFrame", "row"]
    assert first.quiz.pass_percent == 60
    assert first.exercise.files.get().path == "data/scores.csv"
    assert first.exercise.limits == {"wall_seconds": 5}
    assert lessons[1].authored_related == ["combining-tables"]


def test_reimporting_the_same_tree_changes_nothing_and_says_so(mini_course):
    import_catalog(mini_course)
    before = snapshot()

    out = call_command_output("import_content", str(mini_course))

    assert "no changes" in out
    assert snapshot() == before


def test_editing_one_question_reports_only_that_change(mini_course):
    import_catalog(mini_course)
    edit(mini_course / "basics/01-first-steps/quiz.yaml", "answer: 10", "answer: 11")

    report = import_catalog(mini_course)

    assert report.summary_lines() == ["lessons: 1 changed", "questions: 1 changed"]
    assert Question.objects.get(key="row-count").answer == 11


def test_lesson_removed_from_tree_is_archived_not_deleted(mini_course):
    import_catalog(mini_course)
    question_ids = set(Question.objects.filter(quiz__lesson__slug="second-steps").values_list("id", flat=True))
    shutil.rmtree(mini_course / "basics/02-second-steps")

    report = import_catalog(mini_course)

    assert report.summary_lines() == ["lessons: 1 archived"]
    archived = Lesson.objects.get(slug="second-steps")
    assert archived.is_archived
    assert archived.catalog_position is None
    assert set(Question.objects.filter(quiz__lesson=archived).values_list("id", flat=True)) == question_ids
    assert list(Lesson.objects.published().values_list("slug", "catalog_position").order_by("catalog_position")) == [
        ("first-steps", 1),
        ("combining-tables", 2),
    ]


def test_archived_lesson_comes_back_when_its_folder_returns(mini_course, tmp_path):
    import_catalog(mini_course)
    shutil.move(mini_course / "basics/02-second-steps", tmp_path / "parked")
    import_catalog(mini_course)
    shutil.move(tmp_path / "parked", mini_course / "basics/02-second-steps")

    import_catalog(mini_course)

    assert Lesson.objects.published().filter(slug="second-steps").exists()


def test_question_removed_from_quiz_is_archived_and_keeps_its_row(mini_course):
    import_catalog(mini_course)
    quiz_file = mini_course / "basics/01-first-steps/quiz.yaml"
    text = quiz_file.read_text()
    quiz_file.write_text(text[: text.index("  - id: library")])

    report = import_catalog(mini_course)

    assert "questions: 1 archived" in report.summary_lines()
    assert Question.objects.get(key="library").is_archived


def test_removed_exercise_folder_archives_the_exercise(mini_course):
    import_catalog(mini_course)
    shutil.rmtree(mini_course / "basics/01-first-steps/exercise")

    report = import_catalog(mini_course)

    assert "exercises: 1 archived" in report.summary_lines()
    assert Exercise.objects.get().is_archived


def test_lesson_moved_to_another_track_keeps_its_identity(mini_course):
    import_catalog(mini_course)
    lesson_id = Lesson.objects.get(slug="second-steps").id
    shutil.move(mini_course / "basics/02-second-steps", mini_course / "advanced/02-second-steps")

    import_catalog(mini_course)

    moved = Lesson.objects.get(slug="second-steps")
    assert (moved.id, moved.track.slug, moved.catalog_position) == (lesson_id, "advanced", 3)


def test_check_flag_validates_without_writing(mini_course):
    out = call_command_output("import_content", str(mini_course), "--check")

    assert "valid (2 tracks, 3 lessons)" in out
    assert not Lesson.objects.exists()


def test_all_problems_are_reported_at_once(mini_course):
    edit(mini_course / "basics/01-first-steps/lesson.md", "minutes: 5", "minutes: five")
    edit(mini_course / "advanced/01-combining-tables/quiz.yaml", 'answer: "merge"', 'answer: "join"')
    (mini_course / "basics/track.yaml").unlink()

    with pytest.raises(ContentInvalid) as raised:
        import_catalog(mini_course)

    assert [problem.path for problem in raised.value.problems] == [
        "advanced/01-combining-tables/quiz.yaml",
        "basics/01-first-steps/lesson.md",
        "basics/track.yaml",
    ]


def test_failed_import_leaves_the_database_exactly_as_it_was(mini_course):
    import_catalog(mini_course)
    before = snapshot()
    edit(mini_course / "basics/01-first-steps/lesson.md", 'title: "First steps"', 'title: "Renamed"')
    edit(mini_course / "advanced/01-combining-tables/quiz.yaml", "type: single", "type: essay")

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_content", str(mini_course))

    assert snapshot() == before


def call_command_output(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
