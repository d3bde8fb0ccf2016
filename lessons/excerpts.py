"""Search excerpts: a short passage of a lesson's text with the searched words marked.

Cut in Python for the lessons of one page only, the same way on both databases, so an
excerpt costs a few string searches rather than the database re-reading and tokenizing
every matched lesson (FTS5's snippet(), PostgreSQL's ts_headline). A word counts as
matched when it stems like a searched word, with the stemmer of the database's own
index: Porter for SQLite's FTS5 porter tokenizer, Snowball English for PostgreSQL's
english configuration.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from html import escape  # the standard library's, which Django's escape() wraps: the same output, less work

import snowballstemmer
from django.utils.safestring import SafeString, mark_safe

LEAD = 60  # characters shown before the first marked word
WIDTH = 240  # characters in an excerpt, about two lines of the results list
CANDIDATE_WINDOWS = 4  # the excerpt starts at whichever of the first few matches shows the most searched words

_TOKEN = re.compile(r"[^\W_]+")
_stemmers = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


def _fold(word: str) -> str:
    # Both indexes fold accents ("café" is found as "cafe"), so the marking does too.
    if word.isascii():
        return word
    return "".join(char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char))


def _stemmer(algorithm: str):
    stemmer = getattr(_stemmers, algorithm, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(algorithm)
        setattr(_stemmers, algorithm, stemmer)
    return stemmer


@lru_cache(maxsize=50_000)
def porter_stem(word: str) -> str:
    """Return a lower-case word's stem as SQLite's porter tokenizer makes it ("joins" -> "join")."""
    return _stemmer("porter").stemWord(_fold(word))


@lru_cache(maxsize=50_000)
def english_stem(word: str) -> str:
    """Return a lower-case word's stem as PostgreSQL's english configuration makes it."""
    return _stemmer("english").stemWord(_fold(word))


def cut_excerpt(text: str, words: list[str], *, stem: Callable[[str], str], start: int = 0) -> SafeString:
    """Return a passage of text around the searched words as safe HTML, the words in <mark>.

    Passages from start on are preferred (the text before it, such as the title, is
    shown elsewhere); an empty string when no word of the text stems like a searched one.
    """
    stems = {stem(word) for word in words}
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters grow when lower-cased; keep the offsets true
        lowered = "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
    hits = _Hits(lowered, stems, stem, start) if start else None
    if hits is None or not hits.next_anchor():
        hits = _Hits(lowered, stems, stem, 0)
        if not hits.next_anchor():
            return mark_safe("")
    # The first window that shows every searched word, else the one that shows the most.
    best_begin, best_count = 0, -1
    for _ in range(CANDIDATE_WINDOWS):
        anchor = hits.found[hits.anchor]
        begin = _word_start(text, max(hits.origin, anchor[0] - LEAD))
        count = len({hit[2] for hit in hits.between(begin, begin + WIDTH)})
        if count > best_count:
            best_begin, best_count = begin, count
        if count == len(stems) or not hits.next_anchor():
            break
    begin, end = best_begin, _word_end(text, best_begin + WIDTH)
    parts = ["…" if begin > 0 else ""]
    shown = begin
    for hit_start, hit_end, _stem in hits.between(begin, end):
        parts += [escape(text[shown:hit_start]), "<mark>", escape(text[hit_start:hit_end]), "</mark>"]
        shown = hit_end
    parts += [escape(text[shown:end]), "…" if end < len(text) else ""]
    # Line breaks in the text are left as they are: HTML shows them as spaces.
    return mark_safe("".join(parts).strip())  # noqa: S308 - every piece of the text is escaped; only our own tags are added


class _Hits:
    """The words of a text that stem like searched ones, found in order from a position on.

    A word and its stem share all but the stem's last letters or so ("memory" ->
    "memori", "possibility" -> "possibl"): finding those letters with str.find, then
    stemming only the words that begin with them, spares tokenizing the whole text.
    """

    def __init__(self, lowered: str, stems: set[str], stem: Callable[[str], str], position: int) -> None:
        self.lowered, self.stems, self.stem = lowered, stems, stem
        self.found: list[tuple[int, int, str]] = []  # (start, end, stem) of each hit, in order
        self.anchor = -1  # the hit the current window starts from
        self.origin = self.position = position  # every hit from origin to position is in found
        prefixes = {stem_[: max(3, len(stem_) - 2)] for stem_ in stems}
        # Where each prefix occurs next: a rare one is looked for once, not once a hit.
        self.upcoming = {prefix: lowered.find(prefix, position) for prefix in prefixes}

    def _scan_one(self) -> bool:
        lowered, upcoming = self.lowered, self.upcoming
        while True:
            begin = min((found for found in upcoming.values() if found >= 0), default=-1)
            if begin < 0:
                self.position = len(lowered)
                return False
            end = _TOKEN.match(lowered, begin).end()
            for prefix, found in upcoming.items():
                if 0 <= found < end:
                    upcoming[prefix] = lowered.find(prefix, end)
            self.position = end
            at_word_start = begin == 0 or not lowered[begin - 1].isalnum()
            if at_word_start and (word_stem := self.stem(lowered[begin:end])) in self.stems:
                self.found.append((begin, end, word_stem))
                return True

    def next_anchor(self) -> bool:
        """Move the window's start to the next hit; False when there is none."""
        if self.anchor + 1 >= len(self.found) and not self._scan_one():
            return False
        self.anchor += 1
        return True

    def between(self, begin: int, end: int) -> list[tuple[int, int, str]]:
        while self.position < end and self._scan_one():
            pass
        return [hit for hit in self.found if begin <= hit[0] and hit[1] <= end]


def _word_start(text: str, offset: int) -> int:
    # Start at a word, never inside one.
    if offset == 0 or text[offset - 1].isspace():
        return offset
    space = text.find(" ", offset)
    return offset if space < 0 else space + 1


def _word_end(text: str, offset: int) -> int:
    if offset >= len(text):
        return len(text)
    space = text.rfind(" ", 0, offset)
    return offset if space <= 0 else space
