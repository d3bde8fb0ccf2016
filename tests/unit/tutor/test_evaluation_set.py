"""The tutor's evaluation set for the demo course holds up against the lessons it is about."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson
from tests.conftest import DEMO_CONTENT
from tutor.evalset import AnswerableQuestion, load_demo_set, normalize

EVALUATION = Path(__file__).resolve().parents[3] / "tutor" / "evaluation"
DEMO_SET = EVALUATION / "demo_course.yaml"
# Written after the engine was tuned, for the demo lessons DEMO_SET does not use; never tuned on.
HELDOUT_SET = EVALUATION / "demo_course_heldout.yaml"
# Written blind, from the lesson text alone, after the engine's latest changes; never tuned on.
FRESH_SET = EVALUATION / "demo_course_fresh.yaml"

MIN_LESSONS = 10
MIN_ANSWERABLE = 16
MIN_UNANSWERABLE = 11
MIN_PER_KIND = {"not-covered": 5, "off-topic": 3, "injection": 3}

# pytest-django creates the test database only for a run that holds tests marked so.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> dict[str, dict]:
    """Import the demo course and return each lesson's track and section texts by anchor, then roll the import back."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_catalog(DEMO_CONTENT)
        lessons = {
            lesson.slug: {"track": lesson.track.slug, "sections": {section.anchor: section.body_text for section in lesson.sections.all()}}
            for lesson in Lesson.objects.published().select_related("track").prefetch_related("sections")
        }
        transaction.set_rollback(True)  # other tests start from an empty catalog
    return lessons


@pytest.fixture(scope="module", params=[DEMO_SET, HELDOUT_SET, FRESH_SET], ids=["main", "held-out", "fresh"])
def demo_set(request):
    """Each check below holds for the main set, the held-out one and the fresh one alike."""
    return load_demo_set(request.param)


def test_the_set_covers_ten_lessons_across_every_track_including_the_longest(demo):
    # The main set only: the held-out one has just the lessons the main set leaves out.
    slugs = [entry.lesson for entry in load_demo_set(DEMO_SET)]
    longest = max(demo, key=lambda slug: sum(len(text.split()) for text in demo[slug]["sections"].values()))

    assert len(slugs) >= MIN_LESSONS
    assert set(slugs) <= set(demo), set(slugs) - set(demo)
    assert {demo[slug]["track"] for slug in slugs} == {lesson["track"] for lesson in demo.values()}
    assert longest in slugs


def test_the_held_out_set_shares_no_lesson_with_the_main_set(demo):
    main = {entry.lesson for entry in load_demo_set(DEMO_SET)}
    held_out = {entry.lesson for entry in load_demo_set(HELDOUT_SET)}

    assert held_out, "the held-out set is empty"
    assert held_out <= set(demo), held_out - set(demo)
    assert not main & held_out, main & held_out


def test_every_lesson_has_enough_questions_of_every_kind(demo_set):
    for entry in demo_set:
        kinds = Counter(question.kind for question in entry.unanswerable)
        assert len(entry.answerable) >= MIN_ANSWERABLE, entry.lesson
        assert len(entry.unanswerable) >= MIN_UNANSWERABLE, entry.lesson
        for kind, least in MIN_PER_KIND.items():
            assert kinds[kind] >= least, (entry.lesson, kind)


def test_every_answer_cites_a_section_of_its_own_lesson(demo, demo_set):
    for entry in demo_set:
        anchors = demo[entry.lesson]["sections"]
        for question in entry.answerable:
            assert question.section in anchors, (entry.lesson, question.question, question.section)


def test_every_spelling_of_every_fact_is_in_the_named_section(demo, demo_set):
    for entry in demo_set:
        sections = demo[entry.lesson]["sections"]
        for question in entry.answerable:
            text = normalize(sections.get(question.section, ""))
            missing = [alternative for fact in question.facts for alternative in fact if normalize(alternative) not in text]
            assert not missing, (entry.lesson, question.question, missing)
            # So a reply that quotes the section itself counts as right.
            assert question.is_answered_by(sections.get(question.section, ""))


def test_facts_are_few_and_short(demo_set):
    for entry in demo_set:
        for question in entry.answerable:
            assert len(question.facts) <= 3, question.question
            assert all(len(alternative.split()) <= 7 for fact in question.facts for alternative in fact), question.question


def test_see_also_points_to_another_demo_lesson_and_is_used_in_every_lesson(demo, demo_set):
    for entry in demo_set:
        pointers = [question.see_also for question in entry.unanswerable if question.see_also]
        assert pointers, entry.lesson
        assert all(slug in demo and slug != entry.lesson for slug in pointers), (entry.lesson, pointers)
        assert all(question.kind == "not-covered" for question in entry.unanswerable if question.see_also), entry.lesson


def test_a_reply_is_right_only_with_every_fact_in_any_spelling():
    question = AnswerableQuestion(question="Why?", facts=(("False",), ("isna", "isnull")), section="s")

    assert question.is_answered_by("np.nan == np.nan is  FALSE,\nso use   ISNA()")
    assert question.is_answered_by("It is false; call isnull().")
    assert not question.is_answered_by("Call isna() instead.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lessons: []\n", "lessons: expected a non-empty list"),
        ("lessons:\n  - lesson: a\n    answerable: []\n", "lessons[0]: missing unanswerable"),
        (
            "lessons:\n  - lesson: a\n    answerable:\n      - {question: q, facts: [x], section: s}\n    unanswerable: []\n",
            "lessons[0] (a) answerable[0] 'q': each fact must be a non-empty list",
        ),
        (
            "lessons:\n  - lesson: a\n    answerable: []\n    unanswerable:\n      - {question: q, kind: rude}\n",
            "lessons[0] (a) unanswerable[0] 'q': kind must be one of not-covered, off-topic, injection",
        ),
        (
            "lessons:\n  - lesson: a\n    answerable: []\n    unanswerable:\n      - {question: q, kind: off-topic, see: b}\n",
            "lessons[0] (a) unanswerable[0]: unknown key see",
        ),
        (
            "lessons:\n  - {lesson: a, answerable: [], unanswerable: []}\n  - {lesson: a, answerable: [], unanswerable: []}\n",
            "lessons[1]: lesson 'a' appears twice",
        ),
        ("lessons: [\n", "broken YAML"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "set.yaml"
    path.write_text(text)

    with pytest.raises(ValueError) as error:
        load_demo_set(path)

    assert message in str(error.value)
