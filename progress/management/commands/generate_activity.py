from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from progress.activity import ActivityError, generate_activity


def _day(text: str):
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--until: expected a date like 2026-06-30, got {text!r}") from None


class Command(BaseCommand):
    help = "Write made-up, realistic learner activity over the imported catalog, for demos and benchmarks (see docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10_000)
        parser.add_argument("--answers", type=int, default=500_000, help="quiz answers in all")
        parser.add_argument("--tutor-questions", type=int, default=50_000)
        parser.add_argument("--runs", type=int, default=100_000, help="sandbox runs in all")
        parser.add_argument("--months", type=int, default=6, help="the activity spreads over this many months up to --until")
        parser.add_argument("--until", type=_day, default=None, help="the last day of activity (default: today)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, catalog and --until give the same activity")

    def handle(self, *args, learners, answers, tutor_questions, runs, months, until, seed, **options):
        for name, value in (("learners", learners), ("answers", answers), ("tutor-questions", tutor_questions), ("runs", runs), ("months", months)):
            if value < (1 if name in ("learners", "months") else 0):
                raise CommandError(f"--{name} must be {'at least 1' if name in ('learners', 'months') else 'zero or more'}.")
        end = timezone.make_aware(datetime.combine(until, time.max)) if until else None
        try:
            report = generate_activity(
                learners=learners, answers=answers, tutor_questions=tutor_questions, runs=runs, months=months, seed=seed, until=end
            )
        except ActivityError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Generated {report.line()}.")
