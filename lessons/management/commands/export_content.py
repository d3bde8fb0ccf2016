from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.exporter import ExportTargetNotEmpty, export_catalog


class Command(BaseCommand):
    help = "Write the published catalog to PATH in the authoring format (PATH must be empty or new)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        try:
            counts = export_catalog(Path(path))
        except ExportTargetNotEmpty as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Exported {counts['tracks']} tracks and {counts['lessons']} lessons to {path}.")
