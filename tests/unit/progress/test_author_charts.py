"""The authors' charts: SVG markup written on the server, every text escaped, readable by screen readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from progress.svg import Bar, Point, bar_chart, scatter_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # well-formed XML, or this raises


def test_bars_are_as_long_as_their_values():
    chart = parse(bar_chart(chart_id="c", title="Pass rate", bars=[Bar("Half", 50.0), Bar("All", 100.0), Bar("Over", 130.0), Bar("None yet", None)]))
    tracks = [rect for rect in chart.iter(f"{SVG}rect") if rect.get("fill") == "#3346c8"]
    # The track is 268 units wide; a value above the maximum is drawn full, never past it.
    assert [float(rect.get("width")) for rect in tracks] == [134.0, 268.0, 268.0]
    texts = [text.text for text in chart.iter(f"{SVG}text")]
    assert "50%" in texts
    assert "100%" in texts
    assert "no data" in texts


def test_a_lighter_bar_shows_behind_the_main_one():
    chart = parse(bar_chart(chart_id="c", title="t", bars=[Bar("Lesson", 40.0, back=80.0)], back_label="the completion rate"))
    widths = {rect.get("fill"): float(rect.get("width")) for rect in chart.iter(f"{SVG}rect")}
    assert (widths["#c9d0f5"], widths["#3346c8"]) == (214.4, 107.2)
    assert "The lighter bar behind each is the completion rate." in chart.find(f"{SVG}desc").text


def test_charts_are_named_images_for_screen_readers():
    chart = parse(bar_chart(chart_id="rates", title="Pass rate per lesson", bars=[Bar("Joins", 62.5)]))
    assert chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "rates-title rates-desc"
    assert chart.find(f"{SVG}title").text == "Pass rate per lesson"
    assert chart.find(f"{SVG}desc").text == "1 bars. Joins: 62.5%."


def test_every_text_is_escaped():
    hostile = '<script>alert("x")</script> & "quotes"'
    markup = str(bar_chart(chart_id='x"><script>', title=hostile, bars=[Bar(hostile, 10.0)]))
    markup += str(scatter_chart(chart_id="s", title=hostile, points=[Point(0.5, 0.1, hostile, flagged=True)], x_label=hostile, y_label=hostile))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    parse(markup.split("</svg>")[0] + "</svg>")


def test_long_labels_are_shortened_with_the_full_text_in_the_description():
    label = "A lesson title far longer than any bar label should be, running on and on"
    chart = parse(bar_chart(chart_id="c", title="t", bars=[Bar(label, 10.0)]))
    shown = next(text.text for text in chart.iter(f"{SVG}text") if text.text.startswith("A lesson"))
    assert shown.endswith("…")
    assert len(shown) == 48
    assert label in chart.find(f"{SVG}desc").text


def test_scatter_places_points_and_marks_the_flagged_ones():
    chart = parse(
        scatter_chart(
            chart_id="items",
            title="Items",
            points=[Point(0.0, -1.0, "low-left"), Point(1.0, 1.0, "top-right"), Point(0.5, -0.2, "broken-key", flagged=True)],
            x_label="Facility",
            y_label="Discrimination",
            x_line=0.2,
            y_line=0.0,
        )
    )
    circles = {circle.find(f"{SVG}title").text.split(":")[0]: circle for circle in chart.iter(f"{SVG}circle")}
    # The plot spans x 40..310 and y 230 (at -1) up to 10 (at +1).
    assert (circles["low-left"].get("cx"), circles["low-left"].get("cy")) == ("40", "230")
    assert (circles["top-right"].get("cx"), circles["top-right"].get("cy")) == ("310", "10")
    assert circles["broken-key"].get("fill") == "#b42318"
    assert circles["broken-key"].find(f"{SVG}title").text == "broken-key: 0.5, -0.2"
    assert chart.find(f"{SVG}desc").text.endswith("Flagged: broken-key.")
    lines = [(line.get("x1"), line.get("y1"), line.get("x2"), line.get("y2")) for line in chart.iter(f"{SVG}line")]
    assert lines == [("94", "10", "94", "230"), ("40", "120", "310", "120")]
