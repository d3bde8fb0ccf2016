"""The grounding check keeps what the passages say and drops what a model adds."""

from __future__ import annotations

import pytest

from tests.unit.tutor.sea_lesson import sea_lesson
from tutor.grounding import ground_answer
from tutor.passages import Passage
from tutor.text import content_stems


@pytest.fixture
def tides():
    return sea_lesson()


# The passages a model was shown, numbered from 1 in its prompt:
# [1] The Moon's gravity causes the tides.
# [2] High tide comes twice a day, about every 12 hours and 25 minutes.
# [3] Spring tides happen when the Sun and the Moon line up.
# [4] A tide gauge records the height of the water.
# [5] Sailors read tide tables before they leave the harbour.
# [6] The tables do not predict storms.


@pytest.fixture
def shown(tides):
    return [passage for passage in tides.passages if tides.sections[passage.section].anchor in ("tides", "measuring-the-sea")]


def check(answer, shown, tides, **kwargs):
    return ground_answer(answer, shown, vocabulary=tides.vocabulary, **kwargs)


def test_passages_are_the_six_of_the_tides_and_measuring_sections(shown):
    assert len(shown) == 6
    assert shown[0].text == "The Moon's gravity causes the tides."


def test_a_faithful_answer_is_kept_without_its_citation_markers(shown, tides):
    grounded = check("Great question! The tides are caused by the Moon's gravity [1]. High tide comes twice a day [2].", shown, tides)
    assert grounded.covered
    assert grounded.text == "The tides are caused by the Moon's gravity. High tide comes twice a day."
    assert grounded.passages == [0, 1]
    assert grounded.dropped == []


@pytest.mark.parametrize(
    "marker", ["[1]", "[ 1 ]", "[1, 2]", "[1][2]", "[Passage 1]", "[passages 1 and 2]", "(passage 1)", "[#1]"], ids=lambda marker: marker
)
def test_citation_markers_in_every_usual_form_are_read_and_removed(shown, tides, marker):
    grounded = check(f"The Moon's gravity causes the tides {marker}.", shown, tides)
    assert grounded.text == "The Moon's gravity causes the tides."
    assert 0 in grounded.passages


def test_an_uncited_sentence_is_checked_against_the_passage_that_matches_it_best(shown, tides):
    grounded = check("A tide gauge records the height of the water.", shown, tides)
    assert grounded.text == "A tide gauge records the height of the water."
    assert grounded.passages == [3]


def test_markdown_lists_and_emphasis_are_read_as_sentences(shown, tides):
    grounded = check("- **The Moon's gravity** causes the tides [1].\n- Spring tides happen when the Sun and the Moon line up [3].", shown, tides)
    assert grounded.text == "The Moon's gravity causes the tides. Spring tides happen when the Sun and the Moon line up."
    assert grounded.passages == [0, 2]


@pytest.mark.parametrize(
    "smuggled",
    [
        "Isaac Newton explained this in 1687 [1].",  # a name and a date from general knowledge
        "The Moon's gravity causes the tides and earthquakes [1].",  # an extra claim tacked onto a true one
        "The Moon's gravity causes the tides, and the Moon's gravity causes earthquakes [1].",  # the same, as a clause
        "The Moon's gravity causes the tides, which pull the oceans [1].",  # a clause of new words
        "The Sun's gravity causes the tides [1].",  # a name the lesson uses, but not for this
        "Sun's gravity causes the tides [1].",  # the same name first in the sentence
        "High tide comes three times a day [2].",  # a number changed, in words
        "High tide comes about every 13 hours [2].",  # a number changed, in figures
        "The Moon's gravity does not cause the tides [1].",  # a negation added
        "Tide tables predict storms [6].",  # a negation dropped
        "The Moon's gravity causes the tides [4].",  # cites a passage that says something else
        "The Moon's gravity causes the tides [9].",  # cites a passage it was never shown
        "Visit https://example.com/tides for more on the tides [1].",  # a link
        "The tides are caused by the wind.",  # uncited and unsupported
    ],
)
def test_a_smuggled_claim_is_dropped_and_a_true_one_beside_it_kept(shown, tides, smuggled):
    grounded = check(f"Spring tides happen when the Sun and the Moon line up [3]. {smuggled}", shown, tides)
    assert grounded.text == "Spring tides happen when the Sun and the Moon line up."
    assert grounded.passages == [2]
    assert len(grounded.dropped) == 1


def test_an_answer_with_nothing_supported_is_not_covered(shown, tides):
    grounded = check("The tides are caused by the wind [1]. Isaac Newton explained this in 1687.", shown, tides)
    assert not grounded.covered
    assert grounded.text == ""
    assert grounded.passages == []
    assert len(grounded.dropped) == 2


def test_the_not_covered_marker_is_a_refusal_whatever_else_is_said(shown, tides):
    grounded = check("NOT_COVERED. But the Moon's gravity causes the tides [1].", shown, tides)
    assert not grounded.covered
    assert grounded.declined


def test_a_negation_the_passage_states_is_kept(shown, tides):
    assert check("Tide tables do not predict storms [6].", shown, tides).text == "Tide tables do not predict storms."


@pytest.mark.parametrize(
    ("passage", "answer"), [("A week has 7 days.", "A week has seven days [1]."), ("A kilometre is 1000 metres.", "A kilometre is 1,000 metres [1].")]
)
def test_a_number_matches_however_it_is_written(passage, answer):
    shown = [Passage(0, passage, tuple(content_stems(passage)))]
    assert ground_answer(answer, shown).covered


def test_a_sentence_cut_off_by_the_token_limit_is_dropped(shown, tides):
    grounded = check("The Moon's gravity causes the tides [1]. Spring tides happen when the", shown, tides, truncated=True)
    assert grounded.text == "The Moon's gravity causes the tides."


def test_filler_sentences_are_left_out_without_counting_as_claims(shown, tides):
    grounded = check("Good question! The Moon's gravity causes the tides [1]. I hope that helps!", shown, tides)
    assert grounded.text == "The Moon's gravity causes the tides."
    assert grounded.dropped == []


def test_a_long_answer_keeps_at_most_six_sentences(shown, tides):
    answer = " ".join(["The Moon's gravity causes the tides [1]."] * 9)
    assert check(answer, shown, tides).text.count("tides") == 6
