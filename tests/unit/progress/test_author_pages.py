"""The authors' pages: staff only, filters as a plain form, every table exported as CSV with the page's numbers."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pandas as pd
import pytest
from pytest_django.asserts import assertContains, assertRedirects

from progress.author_views import TABLES
from tests.unit.progress.author_activity import make_activity

pytestmark = pytest.mark.django_db

PAGES = ["/progress/authors/", "/progress/authors/quizzes/", "/progress/authors/tutor/", "/progress/authors/sandbox/", "/progress/authors/gaps/"]


@pytest.fixture
def activity(mini_course, learner, stranger):
    return make_activity(mini_course, alice=learner, charlie=stranger)


class Tables(HTMLParser):
    """Read every report table of a page: {name: [[cell text, ...], ...]} (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "data-table" in attributes:
            self.current = self.tables.setdefault(attributes["data-table"], [])
        elif self.current is not None and tag == "tr":
            self.current.append([])
        elif self.current is not None and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag == "li" and "".join(self.cell).strip():
            self.cell.append(" | ")

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag in ("td", "th") and self.cell is not None:
            self.current[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, pd.DataFrame]:
    parser = Tables()
    parser.feed(html)
    found = {}
    for name, (header, *rows) in parser.tables.items():
        cells = [[None if cell in ("", "\N{EN DASH}") else cell for cell in row] for row in rows]
        found[name] = pd.DataFrame(cells, columns=header)
    return found


@pytest.mark.parametrize("path", [*PAGES, "/progress/authors/csv/items/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    assertRedirects(client.get(path), f"/accounts/sign-in/?next={path}", fetch_redirect_response=False)


@pytest.mark.parametrize("path", [*PAGES, "/progress/authors/csv/items/"])
def test_learners_who_are_not_staff_are_refused(client, learner, path):
    client.force_login(learner)
    assert client.get(path).status_code == 403


def test_unknown_reports_and_tables_are_not_found(client, author):
    client.force_login(author)
    assert client.get("/progress/authors/nothing/").status_code == 404
    assert client.get("/progress/authors/csv/nothing/").status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_its_tables_with_a_csv_link(client, author, activity, path):
    client.force_login(author)
    response = client.get(path)
    assert response.status_code == 200
    tables = page_tables(response.content.decode())
    assert tables
    for name in tables:
        assertContains(response, f'href="/progress/authors/csv/{name}/"')


@pytest.mark.parametrize("name", list(TABLES))
def test_csv_read_back_with_pandas_gives_the_pages_numbers(client, author, activity, name):
    client.force_login(author)
    page = next(path for path in PAGES if name in page_tables(client.get(path).content.decode()))
    shown = page_tables(client.get(page + "?track=basics").content.decode())[name]
    response = client.get(f"/progress/authors/csv/{name}/?track=basics")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    exported = pd.read_csv(io.StringIO(response.content.decode()))
    assert len(exported) == len(shown) > 0
    for position, column in enumerate(exported.columns):
        on_page = shown.iloc[:, position]
        if pd.api.types.is_numeric_dtype(exported[column]):
            pd.testing.assert_series_equal(pd.to_numeric(on_page).astype(float), exported[column].astype(float), check_names=False)
        else:
            assert on_page.fillna("").tolist() == exported[column].fillna("").tolist(), column


def test_the_lessons_page_shows_hand_checked_figures(client, author, activity):
    client.force_login(author)
    lessons = page_tables(client.get("/progress/authors/").content.decode())["lessons"].set_index("Lesson")
    assert lessons.loc["First steps", ["Learners started", "Quiz attempts", "Completion (%)", "Pass rate (%)", "Median score (%)"]].tolist() == [
        "5",
        "6",
        "80.0",
        "60.0",
        "60.0",
    ]


def test_filters_narrow_the_page_and_carry_into_links(client, author, activity):
    client.force_login(author)
    response = client.get("/progress/authors/?track=advanced&start=2026-03-01&end=2026-03-31")
    lessons = page_tables(response.content.decode())["lessons"]
    assert lessons["Lesson"].tolist() == ["Combining tables"]
    assertContains(response, 'href="/progress/authors/csv/lessons/?track=advanced&amp;start=2026-03-01&amp;end=2026-03-31"')
    assertContains(response, 'href="/progress/authors/quizzes/?track=advanced&amp;start=2026-03-01&amp;end=2026-03-31"')
    assertContains(response, "Advanced, 1 Mar 2026 to 31 Mar 2026")


def test_a_reversed_date_range_is_explained_and_ignored(client, author, activity):
    client.force_login(author)
    response = client.get("/progress/authors/?start=2026-03-31&end=2026-03-01")
    assertContains(response, "The range ends before it starts")
    assert len(page_tables(response.content.decode())["lessons"]) == 3


def test_htmx_gets_only_the_report(client, author, activity):
    client.force_login(author)
    response = client.get("/progress/authors/tutor/?track=basics", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report"')
    assert "<form" not in html
    assert "tutor-gaps" in html
