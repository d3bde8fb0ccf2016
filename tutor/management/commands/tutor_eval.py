from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tutor.engines import OfflineEngine
from tutor.evaluation import MissingLesson, Score, evaluate_demo, evaluate_squad
from tutor.services import configured_engine

EVALUATION = Path(__file__).resolve().parents[2] / "evaluation"
# The main set, which the engine was developed against; a held-out set for other lessons,
# written afterwards without looking at the tutor's answers; and a fresh set, written
# blind later still, with new questions on lessons of both. Never tune on the last two.
DEMO_SETS = [EVALUATION / "demo_course.yaml", EVALUATION / "demo_course_heldout.yaml", EVALUATION / "demo_course_fresh.yaml"]


class Command(BaseCommand):
    help = "Measure the tutor on the demo course's question set and, given a path, on a SQuAD 2.0 style file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            type=Path,
            action="append",
            help="A question set for the demo course; repeat for several (default: the committed main, held-out and fresh sets).",
        )
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo course.")
        parser.add_argument("--squad", type=Path, help="A SQuAD 2.0 style JSON-lines file to measure on, each passage read as a one-section lesson.")
        parser.add_argument(
            "--engine", choices=["offline", "configured"], default="offline", help="offline (default) or the engine the settings configure."
        )
        parser.add_argument("--misses", action="store_true", help="List the demo questions the tutor got wrong.")

    def handle(self, *args, demo: list[Path] | None, no_demo: bool, squad: Path | None, engine: str, misses: bool, **options):
        chosen = OfflineEngine() if engine == "offline" else configured_engine()
        for path in [] if no_demo else demo or DEMO_SETS:
            try:
                score = evaluate_demo(path, engine=chosen)
            except (MissingLesson, ValueError, OSError) as error:
                raise CommandError(str(error)) from error
            self._demo(path, chosen.name, score, misses)
        if squad is not None:
            try:
                score = evaluate_squad(squad, engine=chosen)
            except (ValueError, OSError) as error:
                raise CommandError(str(error)) from error
            self._squad(squad, chosen.name, score)

    def _demo(self, path: Path, engine: str, score: Score, misses: bool) -> None:
        write = self.stdout.write
        write(f"Demo course: {path.name}, {engine} engine")
        write(
            f"  answerable   {score.answerable:4d}: answered correctly, citing the right section {score.answered_share:6.1%}"
            f"  (facts {score.with_facts / max(1, score.answerable):.1%}, section {score.cited_right / max(1, score.answerable):.1%})  target 85%"
        )
        write(f"  unanswerable {score.unanswerable:4d}: refused {score.refused_share:6.1%}  target 95%")
        if score.see_also_expected:
            write(f"  refusals that named the lesson covering it: {score.see_also_found} of {score.see_also_expected}")
        write(f"  latency per question: median {score.median_ms:.1f} ms, p95 {score.latency(0.95):.1f} ms")
        if misses:
            for miss in score.misses:
                write(f"    {miss}")

    def _squad(self, path: Path, engine: str, score: Score) -> None:
        write = self.stdout.write
        total = score.answered_share + score.refused_share
        write(f"SQuAD 2.0 style file: {path.name}, {engine} engine")
        write(f"  answerable   {score.answerable:4d}: answered (the reply covers a gold answer) {score.answered_share:6.1%}")
        write(f"  unanswerable {score.unanswerable:4d}: refused {score.refused_share:6.1%}  target 80%")
        write(f"  answered + refused: {total:.2f}  target 1.30")
        write(f"  latency per question: median {score.median_ms:.2f} ms, p95 {score.latency(0.95):.2f} ms")
