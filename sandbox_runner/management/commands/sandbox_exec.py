from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sandbox_runner.isolation import SandboxUnavailable
from sandbox_runner.models import Exercise
from sandbox_runner.services import run_code
from sandbox_runner.text import clean_result


class Command(BaseCommand):
    help = "Run Python code (from FILE or standard input) in the sandbox, as a learner's run would."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a Python file; standard input when absent")
        parser.add_argument("--exercise", help="the slug of a lesson whose exercise data and checks to use")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file: str | None, exercise: str | None, json: bool, **options):
        code = Path(file).read_text(encoding="utf-8") if file else sys.stdin.read()
        target = None
        if exercise:
            target = Exercise.objects.live().filter(lesson__slug=exercise).prefetch_related("files").first()
            if target is None:
                raise CommandError(f"No exercise on a lesson with the slug {exercise!r}.")
        try:
            result = run_code(code=code, exercise=target, use_pool=False)
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from None
        result = clean_result(result)  # the same rule as stored runs: what is printed here cannot mislead either
        report = {
            "status": result.get("status"),
            "stdout": result["stdout"],
            "stderr": result["stderr"],
            "error": result["error"] or None,
            "traceback": result["traceback"],
            "duration_s": result.get("duration_s"),
            "display": result["display"],
            "figures": [
                {"name": figure.get("name") or f"figure-{position}.png", "png_bytes": len(figure.get("png") or "") * 3 // 4}
                for position, figure in enumerate(result["figures"], start=1)
            ]
            + [{"name": figure.get("name"), "size": figure.get("size"), "not_kept": figure.get("not_kept")} for figure in result["not_kept_figures"]],
            "files": [
                {"name": written.get("name"), "size": written.get("size")} | ({"not_kept": written["not_kept"]} if written.get("not_kept") else {})
                for written in result["files"]
            ],
            "checks": [{key: check[key] for key in ("title", "passed", "message")} for check in result["checks"]],
            "limits": result.get("limits"),
            "backend": result.get("backend"),
        }
        if json:
            self.stdout.write(__import__("json").dumps(report, indent=2))
            return
        self.stdout.write(report["stdout"], ending="")
        if report["stderr"]:
            self.stderr.write(report["stderr"], ending="")
        if report["traceback"] or report["error"]:
            self.stderr.write(report["traceback"] or report["error"])
        for check in report["checks"]:
            self.stdout.write(f"{'PASS' if check['passed'] else 'FAIL'}  {check['title']}{': ' + check['message'] if check['message'] else ''}")
        self.stdout.write(f"[{report['status']} in {report['duration_s']} s]")
