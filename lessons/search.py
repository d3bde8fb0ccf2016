"""Full-text search over the published lessons: one results contract, two databases.

Both databases stem English words ("joins" finds "join") and find the lessons that hold
every word of the query. The results come in tiers, best first:

1. every word in the title or the key terms;
2. some word in the title or the key terms (queries of two words or more);
3. some word in the summary;
4. the words only in the rest of the text.

Inside a tier of at most RANKED_TIER_SIZE lessons the database's relevance orders them
(bm25 on SQLite, ts_rank on PostgreSQL), then catalog order. A larger tier, which only
common words make, lists in catalog order: ranking thousands of lessons costs several
milliseconds a search, and the tiers already put the lessons about the words first.
Each tier is one query in the database's own language, so a page reads only the tiers
it shows (and counts a big tier only as far as the page reaches):

- SQLite: the FTS5 table lessons_lesson_fts (porter tokenizer; columns title, terms,
  summary and body, the whole text; bm25 weights 10, 10, 4 and 1) and, for the first
  tier, lessons_lesson_fts_head (titles and key terms only, so its word lists are
  short). Their rowid is the lesson's catalog position: catalog order is the index's
  own order, and a track is a range of rowids. Tiers are column filters ({title terms}:).
- PostgreSQL: a stored tsvector on each lesson (title and key terms weight A, summary
  B, the whole text C; English configuration) with a GIN index. Tiers are weighted
  lexemes (pivot:A).

Excerpts are cut in Python for the page's lessons only (lessons/excerpts.py), the same
way on both databases. Each index is created by a migration that does nothing on the
other database, and the importer rebuilds it in the transaction that changes the
catalog. User input never reaches either query language: it is cut into plain words
first (letters and digits only), so no query can raise a syntax error.
"""

from __future__ import annotations

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import DEFERRED, F, Max, Min, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from lessons.excerpts import cut_excerpt, english_stem, porter_stem
from lessons.models import KeyTerm, Lesson, Track

FTS_TABLE = "lessons_lesson_fts"
FTS_HEAD_TABLE = "lessons_lesson_fts_head"  # titles and key terms only, for the first tier
MAX_WORDS = 8
MAX_QUERY_LENGTH = 200
MAX_WORD_LENGTH = 60  # longer "words" are noise (and PostgreSQL ignores lexemes over 2 KB)
RANKED_TIER_SIZE = 100

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


class LessonSearch:
    """The published lessons that contain every word, best first.

    Slice it for a page of lessons (each with .excerpt, safe HTML); count() gives the
    total. Django's Paginator and DRF's pagination take it as they take a QuerySet.
    """

    def __init__(self, words: list[str], *, track: str | None = None) -> None:
        self.words = words
        self.track = track
        self.index = _PostgresIndex() if connection.vendor == "postgresql" else _SqliteIndex()
        self._count: int | None = None
        self._within: tuple[int, int] | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.index.count(self.index.every(self.words), self._positions_within()) if self.words else 0
        return self._count

    def __getitem__(self, window: slice) -> list[Lesson]:
        if not isinstance(window, slice) or window.step is not None or (window.start or 0) < 0 or window.stop is None:
            raise TypeError("Search results are read a page at a time: results[start:stop].")
        start, stop = window.start or 0, window.stop
        if not self.words or stop <= start:
            return []
        positions = self._page_positions(start, stop)
        by_position = {lesson.catalog_position: lesson for lesson in _published_lessons_at(positions)}
        found = [by_position[position] for position in positions if position in by_position]  # a stale index row is skipped
        for lesson in found:
            # The title and summary open the text and show on the row already: prefer a passage after them.
            head = f"{lesson.title} {lesson.summary} "
            after = len(head) if lesson.search_text.startswith(head) else 0
            lesson.excerpt = cut_excerpt(lesson.search_text, self.words, stem=self.index.stem, start=after)
        return found

    def _positions_within(self) -> tuple[int, int] | None:
        """Return the first and last catalog positions of the track searched (None: the whole catalog)."""
        if self.track and self._within is None:
            # A published track's lessons are numbered one after another (lessons/authoring/importer.py).
            bounds = Lesson.objects.published().filter(track__slug=self.track).aggregate(first=Min("catalog_position"), last=Max("catalog_position"))
            self._within = (bounds["first"], bounds["last"]) if bounds["first"] is not None else (0, -1)  # no lessons: an empty range
        return self._within

    def _page_positions(self, start: int, stop: int) -> list[int]:
        """Return the catalog positions of the results from start to stop, reading tier after tier."""
        within = self._positions_within()
        page: list[int] = []
        passed = 0  # results in the tiers before this one
        for tier in self.index.tiers(self.words):
            if passed >= stop:
                break
            # In catalog order, as far as the page reaches or far enough to tell a small tier from a big one.
            in_order = self.index.positions(tier, within, limit=max(stop - passed, RANKED_TIER_SIZE + 1))
            size = len(in_order)
            if passed + size > start:
                ranked = 1 < size <= RANKED_TIER_SIZE
                rows = self.index.positions(tier, within, limit=size, ranked=True) if ranked else in_order
                page += rows[max(start - passed, 0) : stop - passed]
            passed += size
        return page


def _published_lessons_at(positions: list[int]) -> list[Lesson]:
    """Return the published lessons at these catalog positions, with their track and text, and nothing else loaded."""
    if not positions:
        return []
    # Written out: the ORM takes longer to compose this query and fill the models (0.9 ms
    # for a page) than the database takes to search; the SQL is the same on both databases.
    lesson_fields = _fields_in_model_order(Lesson, {"id", "slug", "title", "summary", "minutes", "catalog_position", "search_text", "track_id"})
    track_fields = _fields_in_model_order(Track, {"id", "slug", "title"})
    columns = [f"lesson.{name}" for name in lesson_fields] + [f"track.{name}" for name in track_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {Lesson._meta.db_table} lesson JOIN {Track._meta.db_table} track ON track.id = lesson.track_id "  # noqa: S608 - names only
        f"WHERE lesson.catalog_position IN ({', '.join(['%s'] * len(positions))}) AND NOT lesson.is_archived AND NOT track.is_archived"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, positions)
        rows = cursor.fetchall()
    tracks: dict[int, Track] = {}
    lessons = []
    split, alias = len(lesson_fields), connection.alias
    for row in rows:
        lesson = _from_row(Lesson, alias, lesson_fields, row[:split])
        if lesson.track_id not in tracks:
            tracks[lesson.track_id] = _from_row(Track, alias, track_fields, row[split:])
        Lesson.track.field.set_cached_value(lesson, tracks[lesson.track_id])  # as select_related() leaves it
        lessons.append(lesson)
    return lessons


def _fields_in_model_order(model, names: set[str]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


def _from_row(model, alias: str, names: list[str], values: tuple):
    # Model.from_db() with a value for every field, the missing ones deferred: given only
    # some, it looks each field up in the list of names, which costs more than the query.
    given = dict(zip(names, values, strict=True))
    return model.from_db(alias, names, [given.get(field.attname, DEFERRED) for field in model._meta.concrete_fields])


class _SqliteIndex:
    """Tiers as FTS5 queries: (table, MATCH expression), the first one on the small title and key-term table."""

    stem = staticmethod(porter_stem)

    @staticmethod
    def every(words: list[str]) -> str:
        # Each word quoted as an FTS5 string (words hold letters and digits only): no
        # operator, column filter or prefix syntax can come from the user. Space means AND.
        return " ".join(f'"{word}"' for word in words)

    def tiers(self, words: list[str]) -> list[tuple[str, str]]:
        every = f"({self.every(words)})"
        some = "(" + " OR ".join(f'"{word}"' for word in words) + ")"
        head_every = "(" + " AND ".join(f'{{title terms}}: "{word}"' for word in words) + ")"
        head_some = f"{{title terms}}: {some}"
        # The whole text holds the title and key terms, so the first tier is asked of the
        # title and key-term table alone: its word lists are a fraction of the body's.
        tiers = [(FTS_HEAD_TABLE, self.every(words))]
        if len(words) > 1:
            tiers.append((FTS_TABLE, f"{every} AND {head_some} NOT {head_every}"))
        tiers.append((FTS_TABLE, f"{every} AND {{summary}}: {some} NOT {head_some}"))
        tiers.append((FTS_TABLE, f"{every} NOT {{title terms summary}}: {some}"))
        return tiers

    @staticmethod
    def _where(table: str, expression: str, within: tuple[int, int] | None) -> tuple[str, list]:
        if within is None:
            return f"{table} MATCH %s", [expression]
        return f"{table} MATCH %s AND rowid BETWEEN %s AND %s", [expression, *within]

    def count(self, expression: str, within: tuple[int, int] | None) -> int:
        where, params = self._where(FTS_TABLE, expression, within)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)  # noqa: S608 - constants only; input is a parameter
            return cursor.fetchone()[0]

    def positions(self, tier: tuple[str, str], within: tuple[int, int] | None, *, limit: int, ranked: bool = False) -> list[int]:
        """Return the positions of the lessons in the tier, in catalog order or best first."""
        # Unranked rows come in rowid order, which is catalog order: no sorting at all.
        table, expression = tier
        where, params = self._where(table, expression, within)
        order = "rank, rowid" if ranked else "rowid"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {table} WHERE {where} ORDER BY {order} LIMIT %s", [*params, limit])  # noqa: S608
            return [row[0] for row in cursor.fetchall()]


class _PostgresIndex:
    """Tiers as raw tsqueries: (the tier's query, the query that ranks inside it)."""

    stem = staticmethod(english_stem)

    @staticmethod
    def every(words: list[str]) -> str:
        # A raw tsquery; words hold letters and digits only, so none is an operator.
        return " & ".join(words)

    def tiers(self, words: list[str]) -> list[tuple[str, str]]:
        every = f"({self.every(words)})"

        def some(weights: str) -> str:
            return "(" + " | ".join(f"{word}:{weights}" for word in words) + ")"

        head_every = "(" + " & ".join(f"{word}:A" for word in words) + ")"
        tiers = [head_every]  # the whole text holds the title and key terms
        if len(words) > 1:
            tiers.append(f"{every} & {some('A')} & !{head_every}")
        tiers.append(f"{every} & {some('B')} & !{some('A')}")
        tiers.append(f"{every} & !{some('AB')}")
        return [(tier, every) for tier in tiers]

    @staticmethod
    def _query(expression: str) -> SearchQuery:
        return SearchQuery(expression, config="english", search_type="raw")

    def _matches(self, expression: str, within: tuple[int, int] | None):
        matches = Lesson.objects.published().filter(search_vector=self._query(expression))
        return matches if within is None else matches.filter(catalog_position__range=within)

    def count(self, expression: str, within: tuple[int, int] | None) -> int:
        return self._matches(expression, within).count()

    def positions(self, tier: tuple[str, str], within: tuple[int, int] | None, *, limit: int, ranked: bool = False) -> list[int]:
        """Return the positions of the lessons in the tier, in catalog order or best first."""
        expression, ranked_by = tier
        matches = self._matches(expression, within)
        if ranked:
            matches = matches.annotate(rank=SearchRank(F("search_vector"), self._query(ranked_by))).order_by("-rank", "catalog_position")
        else:
            matches = matches.order_by("catalog_position")
        return list(matches.values_list("catalog_position", flat=True)[:limit])


def rebuild_search_index(*, lesson_ids: list[int] | None = None) -> None:
    """Bring the search index in step with the lessons (all of them, or only those given)."""
    if connection.vendor == "postgresql":
        _rebuild_postgres(lesson_ids)
    else:
        _rebuild_sqlite(lesson_ids)


def _rebuild_postgres(lesson_ids: list[int] | None) -> None:
    terms = KeyTerm.objects.filter(lesson=OuterRef("pk")).order_by().values("lesson").annotate(text=StringAgg("term", delimiter=" ")).values("text")
    vector = (
        SearchVector("title", Coalesce(Subquery(terms), Value(""), output_field=TextField()), weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("search_text", weight="C", config="english")
    )
    lessons = Lesson.objects.all() if lesson_ids is None else Lesson.objects.filter(id__in=lesson_ids)
    lessons.update(search_vector=vector)


_TERMS = "coalesce((SELECT group_concat(term.term, ' ') FROM lessons_keyterm term WHERE term.lesson_id = lesson.id), '')"
_PUBLISHED = (
    "FROM lessons_lesson lesson JOIN lessons_track track ON track.id = lesson.track_id "
    "WHERE NOT lesson.is_archived AND NOT track.is_archived AND lesson.catalog_position IS NOT NULL"
)


def _rebuild_sqlite(lesson_ids: list[int] | None) -> None:
    # The index holds published lessons only, keyed by catalog position. Only an import
    # renumbers the catalog, and it rebuilds every row; a change in the admin keeps the
    # lesson's position, so its row is replaced in place.
    stale, positions, chosen, ids = "", [], "", []
    if lesson_ids is not None:
        positions = list(Lesson.objects.filter(id__in=lesson_ids).exclude(catalog_position=None).values_list("catalog_position", flat=True))
        stale = f" WHERE rowid IN ({', '.join(['%s'] * len(positions)) or 'NULL'})"
        chosen, ids = f" AND lesson.id IN ({', '.join(['%s'] * len(lesson_ids)) or 'NULL'})", list(lesson_ids)
    with connection.cursor() as cursor:
        for table in (FTS_TABLE, FTS_HEAD_TABLE):
            cursor.execute(f"DELETE FROM {table}{stale}", positions)  # noqa: S608 - placeholders only
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, terms, summary, body) "
            f"SELECT lesson.catalog_position, lesson.title, {_TERMS}, lesson.summary, lesson.search_text {_PUBLISHED}{chosen} ORDER BY lesson.catalog_position",
            ids,
        )
        cursor.execute(
            f"INSERT INTO {FTS_HEAD_TABLE} (rowid, title, terms) "
            f"SELECT lesson.catalog_position, lesson.title, {_TERMS} {_PUBLISHED}{chosen} ORDER BY lesson.catalog_position",
            ids,
        )
