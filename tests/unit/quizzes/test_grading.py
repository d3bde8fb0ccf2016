"""Grading each question type: plain functions, no database."""

from __future__ import annotations

import pytest

from quizzes.grading import InvalidAnswer, Question, clean_answer, is_correct, normalise_text

SINGLE = Question(kind="single", choices=["mean", "median", "mode"], answer="median")
MULTIPLE = Question(kind="multiple", choices=["red", "green", "blue", "grey"], answer=["red", "blue"])
TRUE_FALSE = Question(kind="true_false", choices=[], answer=False)
NUMBER = Question(kind="number", choices=[], answer=12.5, tolerance=0.5)
EXACT_NUMBER = Question(kind="number", choices=[], answer=1000)
TEXT = Question(kind="text", choices=[], answer=["pandas", "the pandas library"])


def test_single_choice_is_right_only_for_the_right_choice():
    assert is_correct(SINGLE, "median")
    assert not is_correct(SINGLE, "mean")


@pytest.mark.parametrize("given", ["Median", "median ", "average", "", 3, None, ["median"]])
def test_an_answer_that_is_not_among_the_choices_is_refused_not_graded(given):
    with pytest.raises(InvalidAnswer):
        clean_answer(SINGLE, given)


def test_multiple_choice_needs_exactly_the_right_set():
    assert is_correct(MULTIPLE, ["blue", "red"])
    assert is_correct(MULTIPLE, ["red", "blue", "red"])  # a choice sent twice is one choice


def test_a_partial_multiple_choice_selection_is_wrong():
    assert not is_correct(MULTIPLE, ["red"])
    assert not is_correct(MULTIPLE, ["red", "blue", "green"])


@pytest.mark.parametrize("given", [[], ["purple"], ["red", "purple"], {"red": True}, 7])
def test_multiple_choice_refuses_empty_or_unknown_choices(given):
    with pytest.raises(InvalidAnswer):
        clean_answer(MULTIPLE, given)


@pytest.mark.parametrize(("given", "right"), [(False, True), ("false", True), ("False", True), (True, False), ("true", False), ("no", True)])
def test_true_false_takes_booleans_and_the_words_a_form_sends(given, right):
    assert is_correct(TRUE_FALSE, given) is right


@pytest.mark.parametrize("given", ["maybe", "", None, 2, [True]])
def test_true_false_refuses_anything_else(given):
    with pytest.raises(InvalidAnswer):
        clean_answer(TRUE_FALSE, given)


@pytest.mark.parametrize("given", [12.0, 12.5, 13.0, "12", " 13.0 ", "1.25e1"])
def test_numbers_within_the_tolerance_are_right_bounds_included(given):
    assert is_correct(NUMBER, given)


@pytest.mark.parametrize("given", [11.99, 13.01, "-12.5", 0])
def test_numbers_outside_the_tolerance_are_wrong(given):
    assert not is_correct(NUMBER, given)


def test_without_a_tolerance_a_number_must_be_exact_up_to_float_noise():
    assert is_correct(EXACT_NUMBER, "1000")
    assert is_correct(EXACT_NUMBER, "1,000")
    assert is_correct(Question(kind="number", choices=[], answer=0.3), 0.1 + 0.2)
    assert not is_correct(EXACT_NUMBER, 1000.5)


@pytest.mark.parametrize("given", ["a thousand", "", "1,00", "nan", "inf", "-inf", True, None, [1000]])
def test_numbers_refuse_words_and_non_finite_values(given):
    with pytest.raises(InvalidAnswer):
        clean_answer(EXACT_NUMBER, given)


@pytest.mark.parametrize("given", ["pandas", "PANDAS", "  Pandas ", "the   Pandas\tlibrary", "\uff50\uff41\uff4e\uff44\uff41\uff53"])
def test_short_text_ignores_case_spacing_and_width(given):
    assert is_correct(TEXT, given)


@pytest.mark.parametrize("given", ["panda", "numpy", "pandas library"])
def test_short_text_must_match_an_accepted_answer(given):
    assert not is_correct(TEXT, given)


@pytest.mark.parametrize("given", ["", "   ", "x" * 501, None, ["pandas"]])
def test_short_text_refuses_empty_oversized_or_non_text_answers(given):
    with pytest.raises(InvalidAnswer):
        clean_answer(TEXT, given)


def test_normalise_text_keeps_letters_of_any_script():
    assert normalise_text("  Größe   DES Datensatzes ") == "grösse des datensatzes"
    assert normalise_text("データ  フレーム") == "データ フレーム"
