from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.errors import ContentInvalid
from lessons.authoring.importer import import_catalog
from lessons.authoring.parsing import parse_catalog


class Command(BaseCommand):
    help = "Validate a content tree and import it (all or nothing). See docs/authoring.md."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.CONTENT_DIR), help="the content folder (default: CONTENT_DIR)")
        parser.add_argument("--check", action="store_true", help="validate only; write nothing")

    def handle(self, *args, path: str, check: bool, **options):
        root = Path(path)
        try:
            if check:
                catalog = parse_catalog(root)
                self.stdout.write(f"{root}: valid ({len(catalog.tracks)} tracks, {len(catalog.lessons)} lessons).")
                return
            report = import_catalog(root)
        except ContentInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(invalid.problems)} problem(s) found in {root}; nothing was imported.") from None
        found = f"{report.found['tracks']} tracks, {report.found['lessons']} lessons"
        if not report.has_changes:
            self.stdout.write(f"{root}: no changes ({found} already up to date).")
            return
        self.stdout.write(f"{root}: imported ({found}).")
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
