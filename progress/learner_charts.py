"""The learner dashboard's activity chart: a calendar of the last weeks, drawn as SVG on the server.

One column per week (Monday at the top), one square per day, darker for more actions.
Every piece of text is escaped; the markup needs no script and no stylesheet, and its
title and description say in words what the squares show.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from progress.learner import Day

CELL = 13
PITCH = 16  # a cell and the gap after it
LEFT = 30  # room for the weekday labels
TOP = 18  # room for the month labels
LEGEND = 24
# Actions in a day from which each shade starts, lightest (no action) to darkest.
LEVELS = (0, 1, 3, 6, 10)
FILLS = ("#e7eaf2", "#c3cbf6", "#8e9ae6", "#5a6bd6", "#25339a")
LABEL = "#4a5568"  # the site's --ink-soft: readable on white
WEEKDAYS = {0: "Mon", 2: "Wed", 4: "Fri"}


def level(actions: int) -> int:
    """Return the shade of a day with this many actions: 0 (none) to 4."""
    return max(n for n, start in enumerate(LEVELS) if actions >= start)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def activity_calendar_svg(days: Sequence[Day], *, title: str, description: str, id_prefix: str = "activity") -> SafeString:
    """Return the SVG markup of a calendar of days (the first a Monday), one square each."""
    weeks = (len(days) + 6) // 7
    width = LEFT + weeks * PITCH
    height = TOP + 7 * PITCH + LEGEND
    cells = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"><title>{}</title></rect>',
        (
            (
                LEFT + (n // 7) * PITCH,
                TOP + (n % 7) * PITCH,
                CELL,
                CELL,
                FILLS[level(day.actions)],
                f"{day.day:%a} {day.day.day} {day.day:%b %Y}: {_plural(day.actions, 'action')}",
            )
            for n, day in enumerate(days)
        ),
    )
    months = format_html_join(
        "",
        '<text x="{}" y="{}">{}</text>',
        ((LEFT + column * PITCH, TOP - 6, f"{days[column * 7].day:%b}") for column in _month_starts(days)),
    )
    weekdays = format_html_join("", '<text x="0" y="{}">{}</text>', ((TOP + row * PITCH + CELL - 2, name) for row, name in WEEKDAYS.items()))
    legend_y = TOP + 7 * PITCH + 6
    swatches = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"></rect>',
        ((LEFT + 34 + n * PITCH, legend_y, CELL, CELL, fill) for n, fill in enumerate(FILLS)),
    )
    legend = format_html(
        '<text x="{}" y="{}">Less</text>{}<text x="{}" y="{}">More</text>',
        LEFT,
        legend_y + CELL - 2,
        swatches,
        LEFT + 34 + len(FILLS) * PITCH + 4,
        legend_y + CELL - 2,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="activity-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        '<g font-size="10" fill="{label}">{months}{weekdays}{legend}</g><g>{cells}</g></svg>',
        width=width,
        height=height,
        id=id_prefix,
        title=title,
        description=description,
        label=LABEL,
        months=months,
        weekdays=weekdays,
        legend=legend,
        cells=cells,
    )


def _month_starts(days: Sequence[Day]) -> list[int]:
    """Return the columns to label with their month: the first, and each where a new month begins."""
    columns = []
    for column in range(0, (len(days) + 6) // 7):
        first = days[column * 7].day
        if column == 0 or first.day <= 7:
            columns.append(column)
    # A label squeezed against the next one (a first column late in its month) would overlap it.
    if len(columns) > 1 and columns[1] - columns[0] < 3:
        columns.pop(0)
    return columns
