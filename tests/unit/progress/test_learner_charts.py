"""The activity calendar: one square per day in week columns, shaded by actions, its text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date

from progress.learner import chart_days
from progress.learner_charts import FILLS, activity_calendar_svg, level

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 20)


def draw(actions: dict[date, int], **text) -> ET.Element:
    days = chart_days(Counter(actions), today=TODAY)
    return ET.fromstring(activity_calendar_svg(days, title=text.get("title", "Activity"), description=text.get("description", "Days")))


def day_squares(svg: ET.Element) -> dict[str, ET.Element]:
    return {rect.find(f"{SVG}title").text: rect for rect in svg.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None}


def test_shades_start_at_one_three_six_and_ten_actions():
    assert [level(n) for n in (0, 1, 2, 3, 5, 6, 9, 10, 250)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_each_day_is_a_square_in_its_weeks_column_and_weekdays_row():
    svg = draw({date(2026, 11, 17): 7, date(2026, 11, 13): 1})

    squares = day_squares(svg)
    assert len(squares) == 82
    tuesday = squares["Tue 17 Nov 2026: 7 actions"]
    friday = squares["Fri 13 Nov 2026: 1 action"]
    first = squares["Mon 31 Aug 2026: 0 actions"]
    assert (tuesday.get("x"), tuesday.get("y"), tuesday.get("fill")) == ("206", "34", FILLS[3])  # 12th column, 2nd row
    assert (friday.get("x"), friday.get("y"), friday.get("fill")) == ("190", "82", FILLS[1])  # 11th column, 5th row
    assert (first.get("x"), first.get("y"), first.get("fill")) == ("30", "18", FILLS[0])
    assert "Sat 21 Nov 2026: 0 actions" not in squares  # days after today are not drawn


def test_the_chart_is_an_image_named_by_its_title_and_description():
    svg = draw({}, title="Your activity", description="Active on 0 of the last 82 days.")

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "activity-title activity-desc"
    assert svg.find(f"{SVG}title").text == "Your activity"
    assert svg.find(f"{SVG}desc").text == "Active on 0 of the last 82 days."


def test_months_are_labelled_where_they_begin():
    labels = [text.text for text in draw({}).iter(f"{SVG}text")]

    assert labels == ["Sep", "Oct", "Nov", "Mon", "Wed", "Fri", "Less", "More"]


def test_text_in_the_chart_is_escaped():
    markup = activity_calendar_svg(chart_days(Counter(), today=TODAY), title='<script>alert("x")</script>', description="a & b")

    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup
    assert "a &amp; b" in markup
