import time

from django.core.management.base import BaseCommand

from tutor.index import rebuild_indexes


class Command(BaseCommand):
    help = "Rebuild the tutor's passage index of every published lesson (an import rebuilds the lessons it changes by itself)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        built = rebuild_indexes()
        self.stdout.write(f"Indexed {built} lessons for the tutor in {time.perf_counter() - started:.1f} s.")
