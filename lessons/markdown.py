"""Render lesson Markdown to safe HTML and split a lesson body into its sections.

Authors write CommonMark with GitHub-style tables and fenced code. The HTML is
sanitized after rendering, so nothing an author types (a <script>, an onerror=, a
javascript: link) can reach a learner's page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre",
    "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style"},
    "th": {"style", "scope"},
    "ol": {"start"},
}


def _highlight(code: str, language: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    name = html.escape(language or "text")
    body = highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code class="language-{name}">{body}</code></pre>\n'


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "highlight": _highlight}).enable(["table", "strikethrough"])


def parse_markdown(text: str) -> list:
    """Return the markdown-it tokens of text (for readers that want its words, not HTML)."""
    return _markdown().parse(text)


def sanitize(raw_html: str) -> str:
    """Return the HTML with every tag, attribute and URL scheme outside the allow-list removed."""
    return nh3.clean(
        raw_html,
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Render Markdown to sanitized HTML."""
    return _focusable_scrollers(sanitize(_markdown().render(text)))


def _focusable_scrollers(fragment: str) -> str:
    # Code blocks and tables scroll sideways on small screens; keyboard users can only
    # scroll what can take focus. Added after sanitizing, so authors cannot set it.
    return fragment.replace('<pre class="highlight">', '<pre class="highlight" tabindex="0">').replace("<table>", '<table tabindex="0">')


def render_inline(text: str) -> str:
    """Render one line of Markdown (a heading, a term) to sanitized inline HTML."""
    return sanitize(_markdown().renderInline(text))


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Return the visible text of an HTML fragment, whitespace folded."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def slugify_anchor(text: str) -> str:
    """Return a URL-fragment slug for a heading: lower case, ASCII, words joined by dashes."""
    plain = html_to_text(render_inline(text))
    ascii_text = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


@dataclass(frozen=True)
class SplitSection:
    heading: str  # the heading's Markdown source, without the leading "## "
    markdown: str  # the body below the heading, up to the next section
    line: int  # 1-based line of the heading within the body text


@dataclass(frozen=True)
class SplitBody:
    intro: str
    sections: list[SplitSection]


def split_sections(text: str) -> SplitBody:
    """Split a lesson body at its level-two headings (ignoring any inside code blocks)."""
    tokens = _markdown().parse(text)
    lines = text.splitlines(keepends=True)
    starts: list[tuple[int, int, str]] = []  # (heading first line, body first line, heading text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0 and token.map:
            starts.append((token.map[0], token.map[1], tokens[index + 1].content.strip()))
    intro_end = starts[0][0] if starts else len(lines)
    sections = []
    for position, (first, body_first, heading) in enumerate(starts):
        body_end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        sections.append(SplitSection(heading, "".join(lines[body_first:body_end]).strip("\n"), first + 1))
    return SplitBody("".join(lines[:intro_end]).strip("\n"), sections)


def unique_anchor(text: str, taken: set[str]) -> str:
    """Return slugify_anchor(text), suffixed -2, -3... until it is not in taken; record it."""
    base = slugify_anchor(text)
    anchor, counter = base, 2
    while anchor in taken:
        anchor, counter = f"{base}-{counter}", counter + 1
    taken.add(anchor)
    return anchor
