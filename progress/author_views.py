"""The authors' analytics pages: staff only, one page per subject, every table also as CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from lessons.models import Track
from progress import analytics, svg
from progress.analytics import Filters, Table


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to sign in and refuse signed-in learners who are not staff (403)."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied("The authors' pages are for staff.")
        return view(request, *args, **kwargs)

    return checked


class FilterForm(forms.Form):
    track = forms.ModelChoiceField(
        queryset=Track.objects.published().in_catalog_order(), to_field_name="slug", required=False, empty_label="All tracks"
    )
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("The range ends before it starts: swap the two dates.")
        return cleaned

    def filters(self) -> Filters:
        """Return the filters asked for; everything when the form is empty or invalid."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        return Filters(track=self.cleaned_data["track"], start=self.cleaned_data["start"], end=self.cleaned_data["end"])

    def query(self) -> str:
        """Return the valid filters as a query string ("?track=…&start=…"), or "" for none."""
        if not self.is_bound or not self.is_valid():
            return ""
        given = {name: self.data.get(name) for name in ("track", "start", "end") if self.cleaned_data.get(name)}
        return f"?{urlencode(given)}" if given else ""


@dataclass(frozen=True)
class Report:
    title: str
    lead: str
    tables: tuple[str, ...]
    chart: Callable[[list[Table]], str] | None = None
    legend: str = ""  # what the chart's marks mean, shown under it


def _lessons_chart(tables: list[Table]) -> str:
    bars = [svg.Bar(row["lesson"], row["pass_rate"], back=row["completion_rate"]) for row in tables[0].rows]
    return svg.bar_chart(chart_id="chart-lessons", title="Pass rate per lesson", bars=bars, back_label="the completion rate")


def _items_chart(tables: list[Table]) -> str:
    points = [svg.Point(point["x"], point["y"], point["label"], point["flagged"]) for point in tables[0].extra["points"]]
    return svg.scatter_chart(
        chart_id="chart-items",
        title="Facility and discrimination of each quiz item",
        points=points,
        x_label="Facility (share right)",
        y_label="Discrimination",
        x_line=analytics.FACILITY_FLOOR,
        y_line=analytics.DISCRIMINATION_FLOOR,
    )


def _tutor_chart(tables: list[Table]) -> str:
    bars = [svg.Bar(row["lesson"], row["not_covered_share"]) for row in tables[0].rows]
    return svg.bar_chart(chart_id="chart-tutor", title="Share of tutor questions the lesson did not cover", bars=bars)


def _sandbox_chart(tables: list[Table]) -> str:
    bars = [svg.Bar(row["exercise"], row["passed_share"]) for row in tables[0].rows]
    return svg.bar_chart(chart_id="chart-sandbox", title="Share of runs passing every check", bars=bars)


REPORTS = {
    "lessons": Report(
        "Lessons",
        "How many learners start each lesson's quiz, finish it and pass it.",
        ("lessons",),
        _lessons_chart,
        "Dark bar: the pass rate (its figure on the right). Light bar behind it: the completion rate.",
    ),
    "quizzes": Report(
        "Quiz items",
        "Which questions discriminate, and which look broken.",
        ("items",),
        _items_chart,
        f"One dot per question; red dots are flagged. Dashed lines: facility {analytics.FACILITY_FLOOR:.2f} and discrimination"
        f" {analytics.DISCRIMINATION_FLOOR:.0f}. Easy questions sit right; questions that tell strong learners from weak ones sit high.",
    ),
    "tutor": Report(
        "Tutor",
        "What learners asked that their lesson did not answer.",
        ("tutor", "tutor-gaps"),
        _tutor_chart,
        "The share of each lesson's tutor questions that the lesson did not cover.",
    ),
    "sandbox": Report(
        "Sandbox",
        "How runs of each exercise end: passing, failing and why.",
        ("exercises", "errors", "checks"),
        _sandbox_chart,
        "The share of each exercise's runs that passed every check.",
    ),
    "gaps": Report("Content gaps", "Flagged quiz items beside the uncovered questions on the same section: the list to fix first.", ("gaps",)),
}

TABLES: dict[str, Callable[[Filters], Table]] = {
    "lessons": analytics.lesson_table,
    "items": analytics.item_table,
    "tutor": analytics.tutor_table,
    "tutor-gaps": analytics.group_table,
    "exercises": analytics.exercise_table,
    "errors": analytics.error_table,
    "checks": analytics.check_table,
    "gaps": analytics.gap_table,
}


def _scope(filters: Filters) -> str:
    where = filters.track.title if filters.track else "All tracks"

    def day(value) -> str:
        return f"{value.day} {value:%b %Y}"

    if filters.start and filters.end:
        return f"{where}, {day(filters.start)} to {day(filters.end)}"
    if filters.start:
        return f"{where}, from {day(filters.start)}"
    if filters.end:
        return f"{where}, up to {day(filters.end)}"
    return f"{where}, all time"


def _report_url(page: str) -> str:
    return reverse("progress:authors") if page == "lessons" else reverse("progress:authors-report", args=[page])


@require_GET
@staff_only
@vary_on_headers("HX-Request")
def report(request: HttpRequest, page: str = "lessons") -> HttpResponse:
    chosen = REPORTS.get(page)
    if chosen is None:
        raise Http404("There is no such report.")
    form = FilterForm(request.GET or None)
    filters = form.filters()
    tables = [TABLES[name](filters) for name in chosen.tables]
    query = form.query()
    context = {
        "report": chosen,
        "page": page,
        "form": form,
        "scope": _scope(filters),
        "tables": [{"table": table, "csv_url": reverse("progress:authors-csv", args=[table.name]) + query} for table in tables],
        "chart": chosen.chart(tables) if chosen.chart else "",
        "tabs": [{"title": item.title, "url": _report_url(name) + query, "current": name == page} for name, item in REPORTS.items()],
    }
    template = "progress/authors.html#report" if request.htmx else "progress/authors.html"
    return render(request, template, context)


@require_GET
@staff_only
def table_csv(request: HttpRequest, table: str) -> HttpResponse:
    build = TABLES.get(table)
    if build is None:
        raise Http404("There is no such table.")
    form = FilterForm(request.GET or None)
    response = HttpResponse(build(form.filters()).to_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lessonbox-{table}.csv"'
    return response
