from __future__ import annotations

import pytest

from lessons.markdown import render_markdown, split_sections, unique_anchor

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ('<iframe src="https://example.com"></iframe>', "<iframe"),
    ('<p style="position:fixed">x</p>', "position"),
    ("<svg onload=alert(1)>", "onload"),
]


@pytest.mark.parametrize(("markdown", "forbidden"), HOSTILE)
def test_authors_html_cannot_inject_script(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)


def test_github_tables_render_with_alignment():
    html = render_markdown("| a | b |\n|--:|---|\n| 1 | 2 |\n")

    assert '<th style="text-align:right">a</th>' in html
    assert "<td>2</td>" in html


def test_fenced_code_is_highlighted():
    html = render_markdown("```python\nx = 1  # one\n```\n")

    assert '<pre class="highlight" tabindex="0"><code class="language-python">' in html
    assert '<span class="c1"># one</span>' in html


def test_unknown_code_language_still_renders_as_plain_code():
    assert '<code class="language-klingon">qapla\'\n</code>' in render_markdown("```klingon\nqapla'\n```\n").replace("&#x27;", "'")


def test_headings_inside_code_do_not_start_sections():
    split = split_sections("Intro\n\n## One\n\n```\n## not a heading\n```\n\n## Two\ntext\n")

    assert [section.heading for section in split.sections] == ["One", "Two"]
    assert split.intro == "Intro"
    assert split.sections[0].markdown == "```\n## not a heading\n```"


def test_anchors_are_stable_slugs_and_unique():
    taken: set[str] = set()

    assert [unique_anchor(text, taken) for text in ["Joins with `merge`", "Joins with merge", "Café & crème"]] == [
        "joins-with-merge",
        "joins-with-merge-2",
        "cafe-creme",
    ]
