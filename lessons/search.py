"""Full-text search over the published lessons: one results contract, two databases.

Both databases stem English words ("joins" finds "join"), rank title and key-term
matches above summary matches above matches in the rest of the text, and cut an
excerpt around the words that matched:

- PostgreSQL: a stored tsvector on each lesson (title and key terms weight A, summary
  B, the whole text C; English configuration) with a GIN index, ranked by ts_rank,
  excerpts from ts_headline.
- SQLite: the FTS5 table lessons_lesson_fts (porter tokenizer; columns title, terms,
  summary, body, and the track's slug unindexed), ranked by bm25 with column weights
  10, 10, 4 and 1 (set by the migration as the table's rank; the body weighs less than
  PostgreSQL's C because bm25, unlike ts_rank, rewards a word repeated in a long text),
  excerpts from snippet().

Each is created by a migration that does nothing on the other database, and the
importer rebuilds it in the transaction that changes the catalog. User input never
reaches either query language: it is cut into plain words first, so no query can
raise a syntax error.
"""

from __future__ import annotations

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lessons.models import KeyTerm, Lesson

FTS_TABLE = "lessons_lesson_fts"
MAX_WORDS = 8
MAX_QUERY_LENGTH = 200
MAX_WORD_LENGTH = 60  # longer "words" are noise (and PostgreSQL ignores lexemes over 2 KB)

# Markers the databases put around matched words: control characters that escaping
# leaves alone and lesson text never holds, swapped for <mark> only after escaping.
_START, _STOP = "\x02", "\x03"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
_WORD = re.compile(r"[^\W_]+")
# PostgreSQL's English stop words (snowball), dropped on both databases so that both
# ask for the same words; a query of stop words only finds nothing on either.
_STOPWORD_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself
    they them their theirs themselves what which who whom this that these those am is are was were be been being have has had having
    do does did doing a an the and but if or because as until while of at by for with about against between into through during before
    after above below to from up down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def search_words(query: str) -> list[str]:
    """Return the words of a user's query that search looks for: lower-cased, no stop words, no syntax."""
    words = []
    for word in _WORD.findall(query[:MAX_QUERY_LENGTH].lower()):
        if word not in STOPWORDS and len(word) <= MAX_WORD_LENGTH and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def highlight(marked: str) -> SafeString:
    """Return an excerpt as safe HTML: the text escaped, the matched words in <mark>."""
    html = _MARKED.sub(r"<mark>\1</mark>", escape(marked))
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 - escaped above; only our own tags added


class LessonSearch:
    """The published lessons that contain every word, best first.

    Slice it for a page of lessons (each with .rank, higher is better, and .excerpt,
    safe HTML); count() gives the total. Django's Paginator and DRF's pagination take
    it as they take a QuerySet.
    """

    def __init__(self, words: list[str], *, track: str | None = None) -> None:
        self.words = words
        self.track = track
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = 0 if not self.words else _postgres_count(self) if connection.vendor == "postgresql" else _sqlite_count(self)
        return self._count

    def __getitem__(self, window: slice) -> list[Lesson]:
        if not isinstance(window, slice) or window.step is not None or (window.start or 0) < 0 or window.stop is None:
            raise TypeError("Search results are read a page at a time: results[start:stop].")
        start, stop = window.start or 0, window.stop
        if not self.words or stop <= start:
            return []
        if connection.vendor == "postgresql":
            lessons = _postgres_page(self, start, stop)
        else:
            lessons, total = _sqlite_page(self, start, stop)
            self._count = total if total is not None else self._count
        for lesson in lessons:
            lesson.excerpt = highlight(lesson.excerpt)
        return lessons


def rebuild_search_index(*, lesson_ids: list[int] | None = None) -> None:
    """Bring the search index in step with the lessons (all of them, or only those given)."""
    if connection.vendor == "postgresql":
        _rebuild_postgres(lesson_ids)
    else:
        _rebuild_sqlite(lesson_ids)


# PostgreSQL ---------------------------------------------------------------------------


def _postgres_query(search: LessonSearch) -> SearchQuery:
    return SearchQuery(" ".join(search.words), config="english", search_type="plain")


def _postgres_matches(search: LessonSearch):
    matches = Lesson.objects.published().filter(search_vector=_postgres_query(search))
    return matches.filter(track__slug=search.track) if search.track else matches


def _postgres_count(search: LessonSearch) -> int:
    return _postgres_matches(search).count()


def _postgres_page(search: LessonSearch, start: int, stop: int) -> list[Lesson]:
    query = _postgres_query(search)
    # PostgreSQL cuts headlines only for the rows that survive the sort and the limit
    # (ts_headline is costly, so the planner postpones it past them).
    excerpt = SearchHeadline(
        "search_text",
        query,
        config="english",
        start_sel=_START,
        stop_sel=_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    ranked = (
        _postgres_matches(search)
        .select_related("track")
        .defer("body_markdown", "intro_markdown", "intro_html", "search_text", "search_vector")
        .annotate(rank=SearchRank(F("search_vector"), query), excerpt=excerpt)
        .order_by("-rank", "catalog_position")
    )
    return list(ranked[start:stop])


def _rebuild_postgres(lesson_ids: list[int] | None) -> None:
    terms = KeyTerm.objects.filter(lesson=OuterRef("pk")).order_by().values("lesson").annotate(text=StringAgg("term", delimiter=" ")).values("text")
    vector = (
        SearchVector("title", Coalesce(Subquery(terms), Value(""), output_field=TextField()), weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("search_text", weight="C", config="english")
    )
    lessons = Lesson.objects.all() if lesson_ids is None else Lesson.objects.filter(id__in=lesson_ids)
    lessons.update(search_vector=vector)


# SQLite -------------------------------------------------------------------------------


def _fts5_query(search: LessonSearch) -> str:
    # Each word quoted as an FTS5 string (words hold letters and digits only): no
    # operator, column filter or prefix syntax can come from the user. Space means AND.
    return " ".join(f'"{word}"' for word in search.words)


def _sqlite_where(search: LessonSearch) -> tuple[str, list]:
    where, params = f"{FTS_TABLE} MATCH %s", [_fts5_query(search)]
    if search.track:
        where, params = f"{where} AND track = %s", [*params, search.track]
    return where, params


def _sqlite_count(search: LessonSearch) -> int:
    where, params = _sqlite_where(search)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)  # noqa: S608 - constants only; input is a parameter
        return cursor.fetchone()[0]


def _sqlite_page(search: LessonSearch, start: int, stop: int) -> tuple[list[Lesson], int | None]:
    """Return a page of lessons and, when the page is not empty, the total number of matches."""
    where, params = _sqlite_where(search)
    # ORDER BY rank is sorted inside FTS5, so snippet() runs only for the rows returned;
    # the total comes along once (an uncorrelated subquery), sparing a count query.
    sql = (
        f"SELECT rowid, -rank, snippet({FTS_TABLE}, 3, char(2), char(3), '…', 24), (SELECT count(*) FROM {FTS_TABLE} WHERE {where}) "  # noqa: S608
        f"FROM {FTS_TABLE} WHERE {where} ORDER BY rank LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, stop - start, start])
        rows = cursor.fetchall()
    lessons = (
        Lesson.objects.published()
        .select_related("track")
        .defer("body_markdown", "intro_markdown", "intro_html", "search_text")
        .in_bulk([row[0] for row in rows])
    )
    found = []
    for lesson_id, rank, excerpt, _total in rows:
        lesson = lessons.get(lesson_id)
        if lesson is not None:  # the index holds published lessons only; this guards a stale row
            lesson.rank, lesson.excerpt = rank, excerpt
            found.append(lesson)
    return found, rows[0][3] if rows else None


def _rebuild_sqlite(lesson_ids: list[int] | None) -> None:
    # The index holds published lessons only, so archiving a lesson or a track drops it.
    chosen, params = "", []
    if lesson_ids is not None:
        chosen, params = f" AND lesson.id IN ({', '.join(['%s'] * len(lesson_ids))})", list(lesson_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE true{chosen.replace('lesson.id', 'rowid')}", params)  # noqa: S608 - placeholders only
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, terms, summary, body, track) "  # noqa: S608 - placeholders only
            "SELECT lesson.id, lesson.title, "
            "coalesce((SELECT group_concat(term.term, ' ') FROM lessons_keyterm term WHERE term.lesson_id = lesson.id), ''), "
            "lesson.summary, lesson.search_text, track.slug "
            "FROM lessons_lesson lesson JOIN lessons_track track ON track.id = lesson.track_id "
            f"WHERE NOT lesson.is_archived AND NOT track.is_archived{chosen}",
            params,
        )
