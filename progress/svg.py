"""Charts for the authors' pages as SVG markup written on the server: no script, no library.

Every piece of text is escaped here, so a lesson title or a question key can never
become markup. Each chart is an image with a title and a description for screen
readers; the table beside it holds the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Drawn about as wide as a phone shows it, so its text stays readable there; pages cap its width on wider screens.
WIDTH = 320
ROW = 32  # a bar with its label above it
LABEL_CHARS = 48
INK, SOFT, ACCENT, LIGHT, WARN, GRID = "#1b2330", "#4a5568", "#3346c8", "#c9d0f5", "#b42318", "#dfe3ec"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no data, drawn as a note instead of a bar
    back: float | None = None  # a lighter bar behind the main one (e.g. completion behind passing)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    flagged: bool = False


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _frame(chart_id: str, title: str, description: str, height: int, body: list[str]) -> SafeString:
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        f' viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def bar_chart(*, chart_id: str, title: str, bars: list[Bar], unit: str = "%", maximum: float = 100.0, back_label: str = "") -> SafeString:
    """Return horizontal bars (value of maximum), each labelled above; an optional lighter bar behind each one."""
    height = 8 + ROW * max(1, len(bars))
    body = []
    track = WIDTH - 52  # room on the right for the value
    for row, bar in enumerate(bars):
        top = 4 + row * ROW
        body.append(f'<text x="0" y="{top + 11}" font-size="12" fill="{INK}">{escape(_short(bar.label))}</text>')
        body.append(f'<rect x="0" y="{top + 16}" width="{track}" height="12" rx="3" fill="#eef0f6"/>')
        if bar.back is not None:
            body.append(f'<rect x="0" y="{top + 16}" width="{_scaled(bar.back, maximum, track)}" height="12" rx="3" fill="{LIGHT}"/>')
        if bar.value is None:
            body.append(f'<text x="{track + 6}" y="{top + 26}" font-size="12" fill="{SOFT}">no data</text>')
            continue
        body.append(f'<rect x="0" y="{top + 16}" width="{_scaled(bar.value, maximum, track)}" height="12" rx="3" fill="{ACCENT}"/>')
        body.append(f'<text x="{track + 6}" y="{top + 26}" font-size="12" fill="{INK}">{escape(_number(bar.value))}{escape(unit)}</text>')
    shown = ", ".join(f"{bar.label}: {'no data' if bar.value is None else _number(bar.value) + unit}" for bar in bars)
    description = f"{len(bars)} bars. {shown}." + (f" The lighter bar behind each is {back_label}." if back_label else "")
    return _frame(chart_id, title, description, height, body)


def _scaled(value: float, maximum: float, track: float) -> str:
    share = min(max(value / maximum, 0.0), 1.0) if maximum > 0 else 0.0
    return _number(share * track)


def scatter_chart(
    *, chart_id: str, title: str, points: list[Point], x_label: str, y_label: str, x_line: float | None = None, y_line: float | None = None
) -> SafeString:
    """Return a scatter of points with x in [0, 1] and y in [-1, 1]; flagged points are drawn red, on top.

    Each point names itself in a tooltip, and the description lists the flagged ones.
    Optional dashed lines mark thresholds (x = x_line, y = y_line).
    """
    left, right, top, bottom = 40, WIDTH - 10, 10, 230
    height = bottom + 40

    def at_x(value: float) -> float:
        return left + (right - left) * min(max(value, 0.0), 1.0)

    def at_y(value: float) -> float:
        return bottom - (bottom - top) * (min(max(value, -1.0), 1.0) + 1) / 2

    body = [f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="#fafbfd" stroke="{GRID}"/>']
    for tick in (0.0, 0.5, 1.0):
        body.append(f'<text x="{_number(at_x(tick))}" y="{bottom + 16}" font-size="11" fill="{SOFT}" text-anchor="middle">{_number(tick)}</text>')
    for tick in (-1.0, 0.0, 1.0):
        body.append(f'<text x="{left - 6}" y="{_number(at_y(tick) + 4)}" font-size="11" fill="{SOFT}" text-anchor="end">{_number(tick)}</text>')
    if x_line is not None:
        body.append(
            f'<line x1="{_number(at_x(x_line))}" x2="{_number(at_x(x_line))}" y1="{top}" y2="{bottom}" stroke="{WARN}" stroke-dasharray="4 3"/>'
        )
    if y_line is not None:
        body.append(
            f'<line x1="{left}" x2="{right}" y1="{_number(at_y(y_line))}" y2="{_number(at_y(y_line))}" stroke="{WARN}" stroke-dasharray="4 3"/>'
        )
    body.append(f'<text x="{(left + right) // 2}" y="{bottom + 32}" font-size="12" fill="{INK}" text-anchor="middle">{escape(x_label)}</text>')
    body.append(
        f'<text x="12" y="{(top + bottom) // 2}" font-size="12" fill="{INK}" text-anchor="middle" transform="rotate(-90 12 {(top + bottom) // 2})">{escape(y_label)}</text>'
    )
    # Flagged points last, so they are drawn on top.
    for point in sorted(points, key=lambda point: point.flagged):
        x, y = _number(at_x(point.x)), _number(at_y(point.y))
        colour = WARN if point.flagged else ACCENT
        body.append(
            f'<circle cx="{x}" cy="{y}" r="{5 if point.flagged else 4}" fill="{colour}" fill-opacity="{0.9 if point.flagged else 0.55}">'
            f"<title>{escape(point.label)}: {escape(_number(point.x))}, {escape(_number(point.y))}</title></circle>"
        )
    flagged = [point.label for point in points if point.flagged]
    description = f"{len(points)} points, {x_label} across and {y_label} up." + (f" Flagged: {', '.join(flagged)}." if flagged else " None flagged.")
    return _frame(chart_id, title, description, height, body)
