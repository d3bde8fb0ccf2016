"""Author analytics: what learners did with each lesson, its quiz, its tutor and its exercise.

Every figure comes from aggregates the database computes (values + annotate, a window
to keep the top rows, one unnesting query for the checks), finished in one vectorised
pandas pass. Nothing loops over rows of activity in Python, and each query returns a
number of rows bounded by the catalog (lessons, questions, exercises, distinct
wordings kept), so a page costs about the same memory at any amount of activity.

The tables are plain lists of dicts (with their columns), which the pages show and the
CSV exports write: both read the same rounded values, so a CSV read back with pandas
gives the numbers on the page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Case, Count, F, Func, IntegerField, Min, Q, QuerySet, Sum, TextField, Value, When
from django.db.models.functions import Cast, Concat, Lower, StrIndex, Substr
from django.urls import reverse
from django.utils import timezone
from scipy import sparse

from lessons.models import Lesson, Section, Track
from quizzes.models import Attempt, GivenAnswer, Question
from sandbox_runner.models import Exercise, Run
from tutor.index import lesson_text
from tutor.models import AskedQuestion
from tutor.replies import Reason
from tutor.text import content_stems

# An item is flagged when at least MIN_ANSWERS finished attempts answered it and either
# fewer than one in five got it right (too hard, or a wrong key), or learners who did
# well on the rest of the quiz got it right less often than those who did badly
# (a negative point-biserial discrimination: often a wrong key or a misleading prompt).
FACILITY_FLOOR = 0.20
DISCRIMINATION_FLOOR = 0.0
MIN_ANSWERS = 20
# Uncovered tutor questions are grouped per lesson from its most asked distinct wordings
# (case ignored); two wordings join a group when the cosine similarity of their TF-IDF
# word vectors to the group's first (most asked) wording reaches SIMILAR.
WORDINGS_PER_LESSON = 200
SIMILAR = 0.5
# A group of questions belongs to the section holding at least this share of its leading wording's word weight.
MATCHED = 0.4
EXAMPLES_PER_GROUP = 3
ERRORS_PER_EXERCISE = 5
NO_SECTION = "Not in the lesson yet"
NO_SECTION_NAMED = "No section named"
UNNAMED, LACKING = "", "-"  # keys of those two rows while joining (never a section's anchor)
EXCEPTION_NAME = re.compile(r"^[A-Za-z_][\w.]{0,79}$")
STATUS_KIND = "status:"
RUN_PROBLEMS = {
    STATUS_KIND + Run.Status.TIMEOUT: "Timeout (wall clock)",
    STATUS_KIND + Run.Status.LIMIT: "Resource limit",
    STATUS_KIND + Run.Status.KILLED: "Killed",
}


@dataclass(frozen=True)
class Filters:
    """Which activity a report reads: a track (or all) and a date range, both ends included."""

    track: Track | None = None
    start: date | None = None
    end: date | None = None
    # Frames already read for this report, so two tables sharing a query run it once.
    memo: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def once(self, key: str, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Return the frame read under this key for these filters, reading it the first time."""
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key].copy()

    def window(self, field_name: str) -> Q:
        """Return a filter keeping rows whose field falls inside the date range."""
        found = Q()
        if self.start:
            found &= Q(**{f"{field_name}__gte": _midnight(self.start)})
        if self.end:
            found &= Q(**{f"{field_name}__lt": _midnight(self.end + timedelta(days=1))})
        return found

    def lessons(self) -> QuerySet[Lesson]:
        """Return the published lessons reported on, in catalog order."""
        lessons = Lesson.objects.published().in_catalog_order()
        return lessons.filter(track=self.track) if self.track else lessons


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "number"  # number | text | link (to row[link]) | list (of strings)
    link: str = ""


@dataclass
class Table:
    """One report table: the page shows its rows, the CSV export writes them."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # what a chart or a summary needs beside the rows

    def frame(self) -> pd.DataFrame:
        """Return the table as the CSV writes it: one column per shown column, lists joined with " | "."""
        frame = pd.DataFrame(self.rows, columns=[column.key for column in self.columns])
        for column in self.columns:
            if column.kind == "list":
                frame[column.key] = frame[column.key].map(lambda items: " | ".join(items) if isinstance(items, list) else items)
        return frame

    def to_csv(self) -> str:
        return self.frame().to_csv(index=False)

    @property
    def lines(self) -> list[dict[str, Any]]:
        """Return the rows as the page shows them: cells in column order, each its text (as the CSV writes it), entries or link."""
        return [
            {
                "flagged": bool(row.get("flags")),
                "cells": [
                    {
                        "kind": column.kind,
                        "text": _shown(row[column.key]),
                        "entries": row[column.key] if column.kind == "list" else None,
                        "url": row.get(column.link) if column.link else None,
                    }
                    for column in self.columns
                ],
            }
            for row in self.rows
        ]


def _shown(value: Any) -> str:
    """Return a cell's text as pandas writes it to CSV (floats by repr), a dash when there is no value."""
    if value is None:
        return "\N{EN DASH}"
    return repr(value) if isinstance(value, float) else str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a frame's rows as dicts of plain Python values, missing values as None."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{key: (value.item() if isinstance(value, np.generic) else value) for key, value in row.items()} for row in rows]


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    """Return part/whole as a percentage to one decimal, missing where whole is zero."""
    return (100 * part / whole.where(whole > 0)).round(1)


def _lesson_urls(slugs: pd.Series) -> pd.Series:
    return slugs.map(lambda slug: reverse("lessons:detail", args=[slug]))


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


class SecondsBetween(Func):
    """The seconds from one timestamp to another, rounded to a whole second, in the database."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, start: str, end: str) -> None:
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra):
        template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s))) AS integer)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST(ROUND((julianday(%(expressions)s)) * 86400) AS integer)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


class PassedAllChecks(Func):
    """1 when a run's checks list is not empty and none of its checks has "passed": false, else 0 (per row, in the database)."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        # CASE keeps the order (jsonb_array_length fails on anything but an array); containment
        # finds a failed check without unnesting the list.
        template = (
            "CASE WHEN jsonb_typeof(%(expressions)s) <> 'array' THEN 0 WHEN jsonb_array_length(%(expressions)s) = 0 THEN 0"
            " WHEN %(expressions)s @> '[{\"passed\": false}]'::jsonb THEN 0 ELSE 1 END"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "CASE WHEN json_type(%(expressions)s) IS NOT 'array' THEN 0 WHEN json_array_length(%(expressions)s) = 0 THEN 0"
            " WHEN EXISTS (SELECT 1 FROM json_each(%(expressions)s) AS item WHERE json_extract(item.value, '$.passed') IS 0)"
            " THEN 0 ELSE 1 END"
        )
        return super().as_sql(compiler, connection, template=template, **extra)


def _top_rows(grouped: QuerySet, *, partition: str, order: str, keep: int) -> list[tuple]:
    """Return the first `keep` rows of each partition of an aggregated values() queryset, ranked in the database.

    The grouped query becomes a derived table numbered by ROW_NUMBER() (standard SQL,
    in SQLite and PostgreSQL), so only the kept rows leave the database.
    """
    sql, params = grouped.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(name) for name in grouped.query.values_select + tuple(grouped.query.annotation_select))
    query = (
        f"SELECT {names} FROM (SELECT counted.*, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {order}) AS row_rank"  # noqa: S608 - our own names and compiled query
        f" FROM ({sql}) AS counted) AS ranked WHERE row_rank <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*params, keep))
        return cursor.fetchall()


def weighted_median(frame: pd.DataFrame, by: str, value: str, weight: str) -> pd.Series:
    """Return the median of value per group from a histogram (value, count) per group, in one pass.

    With N values in a group, the median is the mean of the values at sorted positions
    (N + 1) // 2 and N // 2 + 1 (one and the same position when N is odd).
    """
    if frame.empty:
        return pd.Series(dtype=float)
    ordered = frame.sort_values([by, value], kind="stable")
    reached = ordered.groupby(by, sort=False)[weight].cumsum()
    total = ordered.groupby(by, sort=False)[weight].transform("sum")
    low = ordered[reached >= (total + 1) // 2].groupby(by)[value].first()
    high = ordered[reached >= total // 2 + 1].groupby(by)[value].first()
    return (low + high) / 2


# -- Lessons ---------------------------------------------------------------------------


LESSON_COLUMNS = [
    Column("lesson", "Lesson", "link", link="lesson_url"),
    Column("track", "Track", "text"),
    Column("learners_started", "Learners started"),
    Column("attempts", "Quiz attempts"),
    Column("completion_rate", "Completion (%)"),
    Column("pass_rate", "Pass rate (%)"),
    Column("median_score", "Median score (%)"),
    Column("median_minutes", "Median minutes to finish"),
]


def lesson_table(filters: Filters) -> Table:
    """Return, per lesson, how many learners started its quiz, finished it and passed it, and how well and how fast.

    A learner is a signed-in account or an anonymous browser. Completion is the share of
    learners who started the quiz that finished an attempt at it; the pass rate is the
    share of them that passed an attempt. The median score and the median time to finish
    (from an attempt's start to its last answer) are over finished attempts.
    """
    lessons = _frame(
        filters.lessons().values_list("id", "slug", "title", "track__title", "quiz__id"), ["lesson_id", "slug", "lesson", "track", "quiz_id"]
    )
    attempts = Attempt.objects.filter(quiz__lesson__in=filters.lessons()).filter(filters.window("started_at")).order_by()
    finished, passed = Q(finished_at__isnull=False), Q(is_passed=True, finished_at__isnull=False)
    anonymous = Q(learner__isnull=True)
    counts = _frame(
        attempts.values("quiz_id").annotate(
            attempts=Count("id"),
            accounts=Count("learner", distinct=True),
            browsers=Count("browser_key", distinct=True, filter=anonymous),
            finished_accounts=Count("learner", distinct=True, filter=finished),
            finished_browsers=Count("browser_key", distinct=True, filter=anonymous & finished),
            passed_accounts=Count("learner", distinct=True, filter=passed),
            passed_browsers=Count("browser_key", distinct=True, filter=anonymous & passed),
        ),
        ["quiz_id", "attempts", "accounts", "browsers", "finished_accounts", "finished_browsers", "passed_accounts", "passed_browsers"],
    )
    done = attempts.filter(finished)
    scores = _frame(
        done.values("quiz_id", "score_percent").annotate(n=Count("id")).values_list("quiz_id", "score_percent", "n"), ["quiz_id", "score", "n"]
    )
    durations = _frame(
        done.annotate(seconds=SecondsBetween("started_at", "finished_at"))
        .values("quiz_id", "seconds")
        .annotate(n=Count("id"))
        .values_list("quiz_id", "seconds", "n"),
        ["quiz_id", "seconds", "n"],
    )
    table = lessons.merge(counts, on="quiz_id", how="left")
    number_columns = counts.columns.drop("quiz_id")
    table[number_columns] = table[number_columns].fillna(0).astype(int)
    table["learners_started"] = table["accounts"] + table["browsers"]
    table["completion_rate"] = _percent(table["finished_accounts"] + table["finished_browsers"], table["learners_started"])
    table["pass_rate"] = _percent(table["passed_accounts"] + table["passed_browsers"], table["learners_started"])
    table["median_score"] = table["quiz_id"].map(weighted_median(scores, "quiz_id", "score", "n")).round(1)
    table["median_minutes"] = (table["quiz_id"].map(weighted_median(durations, "quiz_id", "seconds", "n")) / 60).round(1)
    table["lesson_url"] = _lesson_urls(table["slug"])
    return Table("lessons", "Lessons", LESSON_COLUMNS, _records(table), note=lesson_table.__doc__.split("\n\n")[1].replace("\n", " ").strip())


# -- Quiz items ------------------------------------------------------------------------


ITEM_COLUMNS = [
    Column("question", "Question", "text"),
    Column("lesson", "Lesson", "link", link="lesson_url"),
    Column("prompt", "Prompt", "text"),
    Column("answers", "Answers"),
    Column("facility", "Facility"),
    Column("discrimination", "Discrimination"),
    Column("top_wrong_answer", "Top wrong answer", "text"),
    Column("top_wrong_share", "Its share (%)"),
    Column("flags", "Flags", "list"),
]


def item_statistics(filters: Filters) -> pd.DataFrame:
    """Return per live question: answers in finished attempts, facility, point-biserial discrimination and the top wrong answer.

    Facility is the share of those answers that were right. Discrimination is the
    correlation between the item's score (1 right, 0 wrong) and the rest of the
    attempt's score (its right answers other than this one), computed from sums the
    database adds up: r = (n Sxy - Sx Sy) / sqrt((n Sxx - Sx^2)(n Syy - Sy^2)).
    """
    questions = _frame(
        Question.objects.live()
        .filter(quiz__lesson__in=filters.lessons())
        .order_by("quiz__lesson__catalog_position", "quiz__lesson__slug", "position")
        .values_list("id", "key", "prompt", "section_heading", "quiz__lesson_id", "quiz__lesson__slug", "quiz__lesson__title"),
        ["question_id", "question", "prompt", "section_heading", "lesson_id", "slug", "lesson"],
    )
    answers = GivenAnswer.objects.filter(
        question__in=Question.objects.live().filter(quiz__lesson__in=filters.lessons()), attempt__finished_at__isnull=False
    ).filter(filters.window("attempt__started_at"))
    answers = answers.order_by()
    right = Cast("is_correct", IntegerField())
    rest = F("attempt__correct_count") - right
    sums = _frame(
        answers.values("question_id")
        .annotate(n=Count("id"), sx=Sum(right), sy=Sum(rest), sxy=Sum(rest, filter=Q(is_correct=True)), syy=Sum(rest * rest))
        .values_list("question_id", "n", "sx", "sy", "sxy", "syy"),
        ["question_id", "n", "sx", "sy", "sxy", "syy"],
    )
    # The most chosen wrong answer per question (the first given wins a tie): ranked in the database, one row each comes back.
    wrong = answers.filter(is_correct=False).values("question_id", "given").annotate(times=Count("id"), first_id=Min("id"))
    top_wrong = _frame(
        _top_rows(wrong, partition="question_id", order="times DESC, first_id ASC", keep=1), ["question_id", "given", "times", "first_id"]
    )
    given_field = GivenAnswer._meta.get_field("given")
    top_wrong["given"] = top_wrong["given"].map(lambda value: given_field.from_db_value(value, None, connection))
    stats = questions.merge(sums, on="question_id", how="left").merge(top_wrong, on="question_id", how="left")
    for name in ("n", "sx", "sy", "sxy", "syy"):
        stats[name] = stats[name].fillna(0).astype(float)
    n, sx, sy, sxy, syy = (stats[name] for name in ("n", "sx", "sy", "sxy", "syy"))
    spread = (n * sx - sx**2) * (n * syy - sy**2)
    stats["answers"] = n.astype(int)
    stats["wrong"] = (n - sx).astype(int)
    stats["facility"] = (sx / n.where(n > 0)).round(2)
    stats["discrimination"] = ((n * sxy - sx * sy) / np.sqrt(spread.where(spread > 0))).round(2)
    stats["top_wrong_answer"] = stats["given"].map(_shown_answer, na_action="ignore")
    stats["top_wrong_share"] = _percent(stats["times"], stats["wrong"])
    return stats


def _shown_answer(given: Any) -> str:
    if isinstance(given, list):
        return ", ".join(str(item) for item in given)
    if isinstance(given, bool):
        return "True" if given else "False"
    if isinstance(given, float) and given.is_integer():
        return str(int(given))
    return str(given)


def flag_items(stats: pd.DataFrame, *, min_answers: int = MIN_ANSWERS) -> pd.Series:
    """Return, per item, the list of reasons it looks broken (empty when it looks fine)."""
    enough = stats["answers"] >= min_answers
    hard = enough & (stats["facility"] < FACILITY_FLOOR)
    negative = enough & (stats["discrimination"] < DISCRIMINATION_FLOOR)
    hard_text = [f"very low facility (under {FACILITY_FLOOR:.2f})" if flag else None for flag in hard]
    negative_text = ["negative discrimination" if flag else None for flag in negative]
    return pd.Series([[item for item in pair if item] for pair in zip(hard_text, negative_text, strict=True)], index=stats.index, dtype=object)


def item_table(filters: Filters, *, min_answers: int = MIN_ANSWERS) -> Table:
    """Return the item analysis of every live question of the lessons reported on: flagged ones first, then in catalog order."""
    stats = item_statistics(filters)
    stats["flags"] = flag_items(stats, min_answers=min_answers)
    stats = stats.sort_values("flags", key=lambda flags: ~flags.map(bool), kind="stable")
    stats["lesson_url"] = _lesson_urls(stats["slug"])
    note = (
        f"Over answers in finished attempts. Facility: the share right; discrimination: the point-biserial correlation with the rest"
        f" of the attempt's score; its share: of the item's wrong answers. Flagged with at least {min_answers} answers: facility under"
        f" {FACILITY_FLOOR:.2f} or discrimination under {DISCRIMINATION_FLOOR:.0f}."
    )
    rows = _records(stats)
    points = [
        {"x": row["facility"], "y": row["discrimination"], "label": row["question"], "flagged": bool(row["flags"])}
        for row in rows
        if row["facility"] is not None and row["discrimination"] is not None
    ]
    return Table("items", "Quiz items", ITEM_COLUMNS, rows, note=note, extra={"points": points, "flagged": sum(bool(row["flags"]) for row in rows)})


# -- Tutor -----------------------------------------------------------------------------


TUTOR_COLUMNS = [
    Column("lesson", "Lesson", "link", link="lesson_url"),
    Column("asked", "Questions asked"),
    Column("not_covered", "Not covered"),
    Column("not_covered_share", "Not covered (%)"),
    Column("steering", "Steering attempts"),
]

GROUP_COLUMNS = [
    Column("lesson", "Lesson", "link", link="lesson_url"),
    Column("question", "Most asked wording", "text"),
    Column("asked", "Times asked"),
    Column("wordings", "Wordings"),
    Column("examples", "Other wordings", "list"),
    Column("section", "Closest section", "link", link="section_url"),
]


def tutor_table(filters: Filters) -> Table:
    """Return, per lesson, the questions asked of the tutor and the share the lesson did not cover.

    A question the tutor judged the lesson does not answer is not covered; a question
    trying to steer the tutor off its lesson is counted apart, as it says nothing of the
    lesson's gaps.
    """
    lessons = _frame(filters.lessons().values_list("id", "slug", "title"), ["lesson_id", "slug", "lesson"])
    asked = _frame(
        AskedQuestion.objects.filter(lesson__in=filters.lessons())
        .filter(filters.window("asked_at"))
        .order_by()
        .values("lesson_id")
        .annotate(
            asked=Count("id"), not_covered=Count("id", filter=Q(reason=Reason.NOT_COVERED)), steering=Count("id", filter=Q(reason=Reason.STEERING))
        )
        .values_list("lesson_id", "asked", "not_covered", "steering"),
        ["lesson_id", "asked", "not_covered", "steering"],
    )
    table = lessons.merge(asked, on="lesson_id", how="left")
    table[["asked", "not_covered", "steering"]] = table[["asked", "not_covered", "steering"]].fillna(0).astype(int)
    table["not_covered_share"] = _percent(table["not_covered"], table["asked"])
    table["lesson_url"] = _lesson_urls(table["slug"])
    return Table(
        "tutor", "Tutor questions per lesson", TUTOR_COLUMNS, _records(table), note=tutor_table.__doc__.split("\n\n")[1].replace("\n", " ").strip()
    )


def uncovered_wordings(filters: Filters) -> pd.DataFrame:
    """Return each lesson's most asked distinct wordings of not-covered questions (case ignored), with their counts."""
    wordings = (
        AskedQuestion.objects.filter(lesson__in=filters.lessons(), reason=Reason.NOT_COVERED)
        .filter(filters.window("asked_at"))
        .order_by()
        .annotate(text=Lower("question"))
        .values("lesson_id", "text")
        .annotate(asked=Count("id"))
    )
    kept = _top_rows(wordings, partition="lesson_id", order="asked DESC, text ASC", keep=WORDINGS_PER_LESSON)
    return _frame(kept, ["lesson_id", "text", "asked"]).sort_values(["lesson_id", "asked", "text"], ascending=[True, False, True], kind="stable")


def group_similar(texts: list[str], counts: list[int]) -> list[int]:
    """Return a group number for each text, most asked first: a text joins the first group whose leader is similar enough.

    Texts are TF-IDF vectors over their content-word stems; texts come in order of
    count (then text), each unassigned text leads a new group and takes every unassigned
    text at cosine similarity SIMILAR or more. Deterministic for the same input.
    """
    order = sorted(range(len(texts)), key=lambda index: (-counts[index], texts[index]))
    stems = [content_stems(texts[index]) for index in order]
    vocabulary: dict[str, int] = {}
    rows, columns = [], []
    for row, found in enumerate(stems):
        for item in set(found):
            rows.append(row)
            columns.append(vocabulary.setdefault(item, len(vocabulary)))
    presence = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(order), max(1, len(vocabulary))))
    idf = np.log((1 + len(order)) / (1 + np.asarray(presence.sum(axis=0)).ravel())) + 1
    weighted = presence.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    weighted = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ weighted
    similarity = (weighted @ weighted.T).toarray()
    group = np.full(len(order), -1)
    number = 0
    for leader in range(len(order)):
        if group[leader] >= 0:
            continue
        joining = (group < 0) & (similarity[leader] >= SIMILAR)
        joining[leader] = True
        group[joining] = number
        number += 1
    found = [0] * len(texts)
    for position, index in enumerate(order):
        found[index] = int(group[position])
    return found


def closest_sections(lesson: Lesson, questions: list[str], *, anchors: set[str]) -> list[str | None]:
    """Return for each question the anchor of the lesson section that shares most of its distinctive words, or None.

    Each content stem of the question weighs its inverse section frequency, log(S / df)
    over the S sections of the lesson (a stem no section holds weighs log(2S): it is
    what the lesson lacks). The best section must hold at least MATCHED of the
    question's weight; stems every section holds weigh nothing. Only the lesson's own
    sections (anchors; not its intro or key terms) can match.
    """
    text = lesson_text(lesson)
    sections = [(ref.anchor, stems | ref.stems) for ref, stems in zip(text.sections, text.section_stems, strict=True) if ref.anchor in anchors]
    if not sections:
        return [None] * len(questions)
    frequency: dict[str, int] = {}
    for _, stems in sections:
        for item in stems:
            frequency[item] = frequency.get(item, 0) + 1
    found: list[str | None] = []
    for question in questions:
        weights = {
            item: math.log(len(sections) / frequency[item]) if item in frequency else math.log(2 * len(sections)) for item in content_stems(question)
        }
        total = sum(weights.values())
        scores = [sum(weight for item, weight in weights.items() if item in stems) for _, stems in sections]
        best = max(range(len(sections)), key=lambda index: (scores[index], -index))
        found.append(sections[best][0] if total and scores[best] > 0 and scores[best] >= MATCHED * total else None)
    return found


def uncovered_groups(filters: Filters) -> pd.DataFrame:
    """Return the groups of similar not-covered questions per lesson, most asked first, with the section each is closest to."""
    wordings = uncovered_wordings(filters).reset_index(drop=True)
    columns = ["lesson_id", "question", "asked", "wordings", "examples", "anchor"]
    if wordings.empty:
        return pd.DataFrame(columns=columns)
    # Wordings come most asked first within each lesson, so a group's first wording is its leader.
    group = np.zeros(len(wordings), dtype=int)
    for rows in wordings.groupby("lesson_id", sort=False).indices.values():
        group[rows] = group_similar(wordings["text"].iloc[rows].tolist(), wordings["asked"].iloc[rows].tolist())
    wordings["group"] = group
    groups = wordings.groupby(["lesson_id", "group"], sort=False).agg(
        question=("text", "first"), asked=("asked", "sum"), wordings=("text", "size"), texts=("text", list)
    )
    groups = groups.reset_index()
    groups["examples"] = groups["texts"].map(lambda texts: texts[1 : 1 + EXAMPLES_PER_GROUP])
    lessons = {lesson.pk: lesson for lesson in Lesson.objects.filter(pk__in=groups["lesson_id"].unique()).only("id", "content_hash")}
    anchors: dict[int, set[str]] = {}
    for lesson_id, anchor in Section.objects.filter(lesson__in=lessons).values_list("lesson_id", "anchor"):
        anchors.setdefault(lesson_id, set()).add(anchor)
    groups["anchor"] = None
    for lesson_id, rows in groups.groupby("lesson_id", sort=False).indices.items():
        matched = closest_sections(lessons[lesson_id], groups["question"].iloc[rows].tolist(), anchors=anchors.get(lesson_id, set()))
        groups.loc[groups.index[rows], "anchor"] = pd.Series(matched, index=groups.index[rows], dtype=object)
    return groups.sort_values(["asked", "question"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def group_table(filters: Filters) -> Table:
    """Return the table of grouped not-covered questions (content gaps the tutor saw)."""
    groups = uncovered_groups(filters)
    lessons = _frame(filters.lessons().values_list("id", "slug", "title"), ["lesson_id", "slug", "lesson"])
    sections = _section_titles(filters)
    table = groups.merge(lessons, on="lesson_id", how="inner")
    table = table.merge(sections, on=["lesson_id", "anchor"], how="left")
    table["section"] = table["section"].fillna(NO_SECTION)
    table["lesson_url"] = _lesson_urls(table["slug"])
    table["section_url"] = np.where(table["anchor"].notna(), table["lesson_url"] + "#" + table["anchor"].fillna(""), None)
    note = (
        f"Questions the lesson did not cover, grouped by similar wording (the {WORDINGS_PER_LESSON} most asked wordings per lesson)."
        " The closest section shares the group's most distinctive words."
    )
    return Table("tutor-gaps", "Uncovered questions, grouped", GROUP_COLUMNS, _records(table), note=note)


def _section_titles(filters: Filters) -> pd.DataFrame:
    return _frame(
        Section.objects.filter(lesson__in=filters.lessons()).values_list("lesson_id", "anchor", "heading", "position"),
        ["lesson_id", "anchor", "section", "section_position"],
    )


# -- Sandbox ---------------------------------------------------------------------------


EXERCISE_COLUMNS = [
    Column("exercise", "Exercise", "link", link="lesson_url"),
    Column("runs", "Runs"),
    Column("learners", "Learners"),
    Column("passed_all", "Passed every check"),
    Column("passed_share", "Passed every check (%)"),
    Column("failed", "Failed runs"),
    Column("failed_share", "Failed (%)"),
]

ERROR_COLUMNS = [
    Column("exercise", "Exercise", "link", link="lesson_url"),
    Column("error", "Error type", "text"),
    Column("runs", "Runs"),
    Column("share", "Share of failed runs (%)"),
]

CHECK_COLUMNS = [
    Column("exercise", "Exercise", "link", link="lesson_url"),
    Column("check", "Check", "text"),
    Column("checked", "Runs checked"),
    Column("failed", "Failed"),
    Column("failed_share", "Failed (%)"),
]


def _runs(filters: Filters) -> QuerySet[Run]:
    return Run.objects.filter(exercise__lesson__in=filters.lessons(), status__in=Run.FINISHED).filter(filters.window("created_at")).order_by()


def _exercises(filters: Filters) -> pd.DataFrame:
    return _frame(
        Exercise.objects.live()
        .filter(lesson__in=filters.lessons())
        .order_by("lesson__catalog_position", "lesson__slug")
        .values_list("id", "title", "lesson__slug", "check_code"),
        ["exercise_id", "exercise", "slug", "check_code"],
    )


def _run_kinds(filters: Filters) -> pd.DataFrame:
    """Return the finished runs per exercise and kind of ending, with how many passed every check.

    The kind is "status:<status>" for runs that did not end in an error (no error's kind
    holds a colon), else the text before the first ":" of the error message. One scan of
    the runs serves the exercises' table and the errors' table.
    """
    kind = Case(
        When(
            status=Run.Status.ERROR,
            error_message__contains=":",
            then=Substr("error_message", 1, StrIndex("error_message", Value(":")) - 1),
        ),
        When(status=Run.Status.ERROR, then=Value("")),
        default=Concat(Value(STATUS_KIND), F("status")),
        output_field=TextField(),
    )
    return _frame(
        _runs(filters)
        .annotate(kind=kind)
        .values("exercise_id", "kind")
        .annotate(runs=Count("id"), passed_all=Sum(PassedAllChecks("checks")))
        .values_list("exercise_id", "kind", "runs", "passed_all"),
        ["exercise_id", "kind", "runs", "passed_all"],
    )


def exercise_table(filters: Filters) -> Table:
    """Return, per exercise, its finished runs, the learners who ran it, the share passing every check and the share failing.

    A failed run ended in an error, a timeout, a resource limit or was killed. Exercises
    without checks show no pass share.
    """
    exercises = _exercises(filters)
    kinds = filters.once("run-kinds", lambda: _run_kinds(filters))
    kinds["failed"] = kinds["runs"].where(kinds["kind"] != STATUS_KIND + Run.Status.OK, 0)
    outcomes = kinds.groupby("exercise_id", as_index=False)[["runs", "passed_all", "failed"]].sum()
    # Apart: counting distinct learners sorts its rows, which stay narrow without the checks.
    learners = _frame(
        _runs(filters)
        .values("exercise_id")
        .annotate(accounts=Count("learner", distinct=True), browsers=Count("session_key", distinct=True, filter=Q(learner__isnull=True)))
        .values_list("exercise_id", "accounts", "browsers"),
        ["exercise_id", "accounts", "browsers"],
    )
    runs = outcomes.merge(learners, on="exercise_id", how="outer")
    table = exercises.merge(runs, on="exercise_id", how="left")
    counts = ["runs", "accounts", "browsers", "passed_all", "failed"]
    table[counts] = table[counts].fillna(0).astype(int)
    table["learners"] = table["accounts"] + table["browsers"]
    has_checks = table["check_code"].str.len() > 0
    table["passed_share"] = _percent(table["passed_all"], table["runs"]).where(has_checks)
    table["passed_all"] = table["passed_all"].astype(object).where(has_checks)
    table["failed_share"] = _percent(table["failed"], table["runs"])
    table["lesson_url"] = _lesson_urls(table["slug"])
    return Table("exercises", "Exercises", EXERCISE_COLUMNS, _records(table), note=exercise_table.__doc__.split("\n\n")[1].replace("\n", " ").strip())


def error_table(filters: Filters) -> Table:
    """Return, per exercise in catalog order, the ERRORS_PER_EXERCISE most frequent kinds of failure of its runs.

    The kind of an error is the exception's name, read from the run's error message
    (the last line of its traceback, "KeyError: 'total'"); timeouts, resource limits and
    killed runs are kinds of their own. Each exercise shows its five most frequent kinds,
    each with its share of all the exercise's failed runs.
    """
    exercises = _exercises(filters)
    kinds = filters.once("run-kinds", lambda: _run_kinds(filters))
    kinds = kinds[kinds["kind"] != STATUS_KIND + Run.Status.OK].copy()
    kinds["error"] = kinds["kind"].map(_error_name)
    kinds = kinds.groupby(["exercise_id", "error"], as_index=False)["runs"].sum()
    kinds["share"] = _percent(kinds["runs"], kinds.groupby("exercise_id")["runs"].transform("sum"))
    # Exercises stay in catalog order (their frame's order), each with its most frequent kinds.
    kinds = kinds.sort_values(["runs", "error"], ascending=[False, True], kind="stable").groupby("exercise_id").head(ERRORS_PER_EXERCISE)
    table = exercises.merge(kinds, on="exercise_id", how="inner", sort=False)
    table["lesson_url"] = _lesson_urls(table["slug"])
    return Table("errors", "Errors", ERROR_COLUMNS, _records(table), note=error_table.__doc__.split("\n\n")[1].replace("\n", " ").strip())


def _error_name(kind: str) -> str:
    if kind in RUN_PROBLEMS:
        return RUN_PROBLEMS[kind]
    kind = kind.strip()
    return kind if EXCEPTION_NAME.match(kind) else "Other error"


def check_table(filters: Filters) -> Table:
    """Return, per exercise (in catalog order) and check, how many runs it checked and how many it failed, most failed first."""
    exercises = _exercises(filters)
    sql, params = _runs(filters).values("exercise_id", "checks").query.sql_with_params()
    if connection.vendor == "postgresql":
        # jsonb_to_recordset reads each check's two fields in one go, about twice as fast as jsonb_array_elements.
        query = (
            "SELECT run.exercise_id, item.title, COUNT(*), COUNT(*) FILTER (WHERE item.passed IS FALSE)"  # noqa: S608 - our own compiled query
            f" FROM ({sql}) AS run CROSS JOIN LATERAL jsonb_to_recordset("
            "CASE WHEN jsonb_typeof(run.checks) = 'array' THEN run.checks ELSE '[]'::jsonb END) AS item(title text, passed boolean) GROUP BY 1, 2"
        )
    else:
        query = (
            "SELECT run.exercise_id, json_extract(item.value, '$.title'), COUNT(*),"  # noqa: S608 - our own compiled query
            " SUM(CASE WHEN json_extract(item.value, '$.passed') IS 0 THEN 1 ELSE 0 END)"
            f" FROM ({sql}) AS run, json_each(CASE WHEN json_type(run.checks) = 'array' THEN run.checks ELSE '[]' END) AS item GROUP BY 1, 2"
        )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        checks = _frame(cursor.fetchall(), ["exercise_id", "check", "checked", "failed"])
    checks["failed_share"] = _percent(checks["failed"], checks["checked"])
    checks = checks.sort_values(["failed", "check"], ascending=[False, True], kind="stable")
    table = exercises.merge(checks, on="exercise_id", how="inner", sort=False)
    table["lesson_url"] = _lesson_urls(table["slug"])
    return Table("checks", "Failing checks", CHECK_COLUMNS, _records(table))


# -- Content gaps, joined --------------------------------------------------------------


GAP_COLUMNS = [
    Column("lesson", "Lesson", "link", link="lesson_url"),
    Column("section", "Section", "link", link="section_url"),
    Column("flagged_items", "Flagged quiz items", "list"),
    Column("wrong_answers", "Wrong answers"),
    Column("question_groups", "Uncovered questions", "list"),
    Column("uncovered_asked", "Times asked"),
    Column("affected", "Affected"),
]


def gap_table(filters: Filters, *, min_answers: int = MIN_ANSWERS) -> Table:
    """Return, per lesson section, its flagged quiz items beside the uncovered tutor questions closest to it, worst first.

    A flagged item belongs to the section its question names (or to "No section named");
    an uncovered group to the section sharing its most distinctive words (or to "Not in
    the lesson yet"). Rows are
    ordered by how often learners met the problem ("affected"): the wrong answers to the
    flagged items plus the times the uncovered questions were asked, rows holding both
    kinds first.
    """
    lessons = _frame(filters.lessons().values_list("id", "slug", "title", "catalog_position"), ["lesson_id", "slug", "lesson", "lesson_position"])
    sections = _section_titles(filters)
    items = item_statistics(filters)
    items["flags"] = flag_items(items, min_answers=min_answers)
    flagged = items[items["flags"].map(bool)].merge(
        sections.rename(columns={"section": "section_heading"}), on=["lesson_id", "section_heading"], how="left"
    )
    flagged["label"] = flagged["question"] + ": " + flagged["flags"].map("; ".join)
    # Placeholders keep the two kinds of "no section" apart: an item naming none, a question the lesson lacks.
    by_item = flagged.groupby(["lesson_id", flagged["anchor"].fillna(UNNAMED)], sort=False).agg(
        flagged_items=("label", list), wrong_answers=("wrong", "sum")
    )
    groups = uncovered_groups(filters)
    groups["label"] = groups["question"] + " (" + groups["asked"].astype(str) + ")"
    by_group = groups.groupby(["lesson_id", groups["anchor"].fillna(LACKING)], sort=False).agg(
        question_groups=("label", list), uncovered_asked=("asked", "sum")
    )
    joined = by_item.join(by_group, how="outer").reset_index()
    if joined.empty:
        joined = pd.DataFrame(columns=["lesson_id", "anchor", "flagged_items", "wrong_answers", "question_groups", "uncovered_asked"])
    joined = joined.rename(columns={joined.columns[1]: "anchor"})
    for name in ("wrong_answers", "uncovered_asked"):
        joined[name] = joined[name].fillna(0).astype(int)
    for name in ("flagged_items", "question_groups"):
        joined[name] = joined[name].map(lambda items: items if isinstance(items, list) else [])
    table = joined.merge(lessons, on="lesson_id", how="inner").merge(sections, on=["lesson_id", "anchor"], how="left")
    table["section"] = table["section"].fillna(table["anchor"].map({UNNAMED: NO_SECTION_NAMED, LACKING: NO_SECTION}))
    table["anchor"] = table["anchor"].where(~table["anchor"].isin([UNNAMED, LACKING]))
    table["section_position"] = table["section_position"].fillna(10_000)
    table["affected"] = table["wrong_answers"] + table["uncovered_asked"]
    table["both"] = table["flagged_items"].map(bool) & table["question_groups"].map(bool)
    table = table.sort_values(["both", "affected", "lesson_position", "section_position"], ascending=[False, False, True, True], kind="stable")
    table["lesson_url"] = _lesson_urls(table["slug"])
    table["section_url"] = np.where(table["anchor"].notna(), table["lesson_url"] + "#" + table["anchor"].fillna(""), None)
    note = gap_table.__doc__.split("\n\n")[1].replace("\n", " ").strip()
    return Table("gaps", "Content gaps, worst first", GAP_COLUMNS, _records(table), note=note)
