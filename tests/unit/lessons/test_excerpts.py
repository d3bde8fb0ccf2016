"""Search excerpts: a passage around the searched words, escaped, the word forms marked."""

from __future__ import annotations

import re

import pytest

from lessons.excerpts import LEAD, WIDTH, cut_excerpt, english_stem, porter_stem

FILLER = "Readers follow along with small worked examples and short notes about common mistakes. " * 6


def marked(excerpt: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", excerpt)


@pytest.mark.parametrize("stem", [porter_stem, english_stem])
def test_word_forms_are_marked_and_words_that_only_begin_alike_are_not(stem):
    excerpt = cut_excerpt("The joins are Joined by a join; a joint is not, nor is rejoin.", ["joins"], stem=stem)

    assert marked(excerpt) == ["joins", "Joined", "join"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [(["memory"], ["Memory", "memories"]), (["categories"], ["category"]), (["possibility"], ["possibilities"]), (["cafe"], ["café"])],
)
def test_stems_that_change_the_last_letters_are_still_found(words, expected):
    text = "Memory, memories and memorize. One category. Many possibilities. A café."

    assert marked(cut_excerpt(text, words, stem=porter_stem)) == expected


def test_the_lesson_text_is_escaped_and_only_marks_are_added():
    excerpt = cut_excerpt('Never run <script>alert("x")</script> from a pivoted table & friends.', ["pivot"], stem=porter_stem)

    assert excerpt == "Never run &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; from a <mark>pivoted</mark> table &amp; friends."


def test_a_long_text_is_cut_around_the_first_match_at_word_boundaries():
    text = f"{FILLER}Here the pivot turns rows into columns. {FILLER}"

    excerpt = cut_excerpt(text, ["pivot"], stem=porter_stem)

    assert excerpt.startswith("…")
    assert excerpt.endswith("…")
    assert marked(excerpt) == ["pivot"]
    inner = excerpt.strip("…").replace("<mark>", "").replace("</mark>", "")
    assert inner in text
    assert len(inner) <= WIDTH
    assert text[text.index(inner) - 1] == " "
    assert text[text.index(inner) + len(inner)] == " "
    assert inner.index("pivot") <= LEAD


def test_the_passage_that_shows_more_of_the_words_wins():
    text = f"A pivot alone. {FILLER}A pivot beside a merge, both here. {FILLER}"

    excerpt = cut_excerpt(text, ["pivot", "merge"], stem=porter_stem)

    assert marked(excerpt) == ["pivot", "merge"]


def test_text_after_start_is_preferred_and_text_before_it_serves_when_nothing_follows():
    text = "Pivot tables Turn rows into columns. The body mentions a pivot once."
    body = text.index("The body")

    assert marked(cut_excerpt(text, ["pivot"], stem=porter_stem, start=body)) == ["pivot"]
    assert cut_excerpt(text, ["pivot"], stem=porter_stem, start=body).startswith("…The body")
    assert marked(cut_excerpt(text, ["rows"], stem=porter_stem, start=body)) == ["rows"]


def test_no_excerpt_when_no_word_of_the_text_matches():
    assert cut_excerpt("Nothing to see here.", ["pivot"], stem=porter_stem) == ""


def test_letters_that_grow_when_lower_cased_keep_the_marks_in_place():
    excerpt = cut_excerpt("İstanbul has a pivot table.", ["pivot"], stem=porter_stem)

    assert excerpt == "İstanbul has a <mark>pivot</mark> table."
