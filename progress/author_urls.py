"""The authors' analytics pages (staff only)."""

from django.urls import path

from progress import author_views

urlpatterns = [
    path("", author_views.report, name="authors"),
    path("csv/<slug:table>/", author_views.table_csv, name="authors-csv"),
    path("<slug:page>/", author_views.report, name="authors-report"),
]
