"""Each defect an author can make is rejected with a message naming file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lessons.authoring.errors import ContentInvalid
from lessons.authoring.parsing import parse_catalog
from tests.conftest import edit

LESSON = "basics/01-first-steps/lesson.md"
QUIZ = "basics/01-first-steps/quiz.yaml"
EXERCISE = "basics/01-first-steps/exercise/exercise.yaml"


def problems_for(root: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as raised:
        parse_catalog(root)
    return [str(problem) for problem in raised.value.problems]


def replace_in(relative: str, old: str, new: str):
    return lambda root: edit(root / relative, old, new)


DEFECTS = {
    "missing field": (replace_in(LESSON, 'big_idea: "Look before you compute."\n', ""), f"{LESSON}:2: big_idea: is missing"),
    "mistyped field": (replace_in(LESSON, "minutes: 5", "minutes: five"), f"{LESSON}:4: minutes: must be a whole number, not text"),
    "misspelt field name": (replace_in(LESSON, "summary:", "sumary:"), f"{LESSON}:3: sumary: unknown field (did you mean 'summary'?)"),
    "broken YAML in front matter": (replace_in(LESSON, "minutes: 5", "minutes: [5"), f"{LESSON}:5: broken YAML"),
    "broken YAML in a quiz": (
        replace_in(QUIZ, '    prompt: "Which function reads a CSV?"', '    prompt: "Which function reads a CSV?'),
        f"{QUIZ}:6: broken YAML",
    ),
    "answer not among choices": (
        replace_in(QUIZ, 'answer: "pd.read_csv"', 'answer: "pd.read_excel"'),
        f"{QUIZ}:7: questions[0] (load-function).answer: 'pd.read_excel' is not one of the choices",
    ),
    "one of several answers not among choices": (
        replace_in(QUIZ, 'answers: ["head", "shape"]', 'answers: ["head", "tail"]'),
        f"{QUIZ}:14: questions[1] (what-to-check).answers[1]: 'tail' is not one of the choices",
    ),
    "duplicate question ids": (
        replace_in(QUIZ, "id: look-first", "id: load-function"),
        f"{QUIZ}:17: questions[2] (load-function).id: 'load-function' is already the id of the question on line 3",
    ),
    "unknown question type": (
        replace_in(QUIZ, "type: true_false", "type: essay"),
        f"{QUIZ}:18: questions[2] (look-first).type: 'essay' is not a question type",
    ),
    "number question without an answer": (replace_in(QUIZ, "    answer: 10\n", ""), f"{QUIZ}:22: questions[3] (row-count).answer: is missing"),
    "text question without accepted answers": (
        replace_in(QUIZ, '    accept: ["pandas", "pd"]\n', ""),
        f"{QUIZ}:28: questions[4] (library).accept: is missing",
    ),
    "true/false answer that is not a boolean": (
        replace_in(QUIZ, "answer: false", 'answer: "nope"'),
        f"{QUIZ}:20: questions[2] (look-first).answer: must be true or false, not text",
    ),
    "section that is not a heading": (
        replace_in(QUIZ, 'section: "Looking at it"', 'section: "Looking"'),
        f"{QUIZ}:16: questions[1] (what-to-check).section: 'Looking' is not a section heading",
    ),
    "empty quiz": (lambda root: (root / QUIZ).write_text("questions: []\n"), f"{QUIZ}:1: questions: the quiz has no questions"),
    "quiz file with nothing in it": (lambda root: (root / QUIZ).write_text(""), f"{QUIZ}: is empty: the quiz has no questions"),
    "missing quiz": (lambda root: (root / QUIZ).unlink(), f"{QUIZ}: is missing"),
    "lesson with no section": (
        lambda root: (root / LESSON).write_text((root / LESSON).read_text().split("## Loading")[0]),
        f"{LESSON}:12: has no sections: start each section with a '## ' heading",
    ),
    "two sections with one heading": (
        replace_in(LESSON, "## Looking at it", "## Loading a table"),
        f"{LESSON}:23: the heading 'Loading a table' is used twice",
    ),
    "no front matter": (replace_in(LESSON, "---\ntitle", "title"), f"{LESSON}:1: must start with YAML front matter"),
    "missing track.yaml": (lambda root: (root / "basics/track.yaml").unlink(), "basics/track.yaml: is missing: every track folder needs one"),
    "missing lesson.md": (lambda root: (root / LESSON).unlink(), f"{LESSON}: is missing: every lesson folder needs one"),
    "duplicate lesson slugs across tracks": (
        lambda root: shutil.copytree(root / "basics/02-second-steps", root / "advanced/05-second-steps"),
        "basics/02-second-steps/lesson.md: the slug 'second-steps' is already used by advanced/05-second-steps",
    ),
    "two lessons with one number": (
        lambda root: (root / "basics/02-second-steps").rename(root / "basics/1-second-steps"),
        "basics/1-second-steps: has the same number as 01-first-steps",
    ),
    "badly named lesson folder": (
        lambda root: (root / "basics/02-second-steps").rename(root / "basics/second-steps"),
        "basics/second-steps: a lesson folder is named NN-slug",
    ),
    "related lesson that does not exist": (
        replace_in("basics/02-second-steps/lesson.md", "[combining-tables]", "[no-such-lesson]"),
        "basics/02-second-steps/lesson.md:9: related: 'no-such-lesson' is not a lesson",
    ),
    "key term defined twice": (replace_in(LESSON, "term: row", "term: dataframe"), f"{LESSON}:9: key_terms[1].term: 'dataframe' is defined twice"),
    "exercise starter missing": (
        lambda root: (root / "basics/01-first-steps/exercise/starter.py").unlink(),
        f"{EXERCISE}:4: starter: 'starter.py' is not a file inside exercise/",
    ),
    "exercise check with a syntax error": (
        replace_in("basics/01-first-steps/exercise/check.py", "def check_row_count(learner):", "def check_row_count(learner)"),
        "basics/01-first-steps/exercise/check.py:1: is not valid Python",
    ),
    "exercise check with no checks": (
        replace_in("basics/01-first-steps/exercise/check.py", "def check_row_count", "def row_count"),
        f"{EXERCISE}:6: check: check.py defines no check_... function",
    ),
    "exercise data outside its folder": (
        replace_in(EXERCISE, "- data/scores.csv", "- data/../../lesson.md"),
        f"{EXERCISE}:8: data[0]: 'data/../../lesson.md' is not a file inside exercise/",
    ),
    "exercise data outside data/": (
        replace_in(EXERCISE, "- data/scores.csv", "- starter.py"),
        f"{EXERCISE}:8: data[0]: 'starter.py' must be in the exercise's data/ folder",
    ),
    "exercise limit that is not a number": (
        replace_in(EXERCISE, "wall_seconds: 5", "wall_seconds: lots"),
        f"{EXERCISE}:10: limits.wall_seconds: must be a whole number",
    ),
    "lesson file that is not UTF-8": (
        lambda root: (root / LESSON).write_bytes("---\ntitle: caf\xe9\n".encode("latin-1")),
        f"{LESSON}: is not UTF-8 text",
    ),
}


@pytest.mark.parametrize("defect", DEFECTS.keys())
def test_defect_is_rejected_with_file_line_and_field(mini_course, defect):
    make_defect, expected = DEFECTS[defect]
    make_defect(mini_course)

    problems = problems_for(mini_course)

    assert any(problem.startswith(expected) for problem in problems), problems


def test_valid_tree_has_no_problems(mini_course):
    catalog = parse_catalog(mini_course)

    assert [lesson.slug for lesson in catalog.lessons] == ["combining-tables", "first-steps", "second-steps"]


def test_oversized_file_is_rejected_without_reading_it(mini_course, settings):
    settings.CONTENT_MAX_FILE_BYTES = 100

    assert any(problem.startswith(f"{LESSON}: is ") and "the limit is 100" in problem for problem in problems_for(mini_course))
