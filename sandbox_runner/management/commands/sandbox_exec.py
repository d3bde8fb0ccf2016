from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from sandbox_runner.isolation import SandboxUnavailable
from sandbox_runner.models import Exercise
from sandbox_runner.services import clean_text, run_code


class Command(BaseCommand):
    help = "Run Python code (from FILE or standard input) in the sandbox, as a learner's run would."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a Python file; standard input when absent")
        parser.add_argument("--exercise", help="the slug of a lesson whose exercise data and checks to use")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file: str | None, exercise: str | None, json: bool, **options):
        code = open(file, encoding="utf-8").read() if file else sys.stdin.read()  # noqa: SIM115
        target = None
        if exercise:
            target = Exercise.objects.live().filter(lesson__slug=exercise).prefetch_related("files").first()
            if target is None:
                raise CommandError(f"No exercise on a lesson with the slug {exercise!r}.")
        try:
            result = run_code(code=code, exercise=target, use_pool=False)
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from None
        report = {
            "status": result.get("status"),
            "stdout": clean_text(result.get("stdout", "")),
            "stderr": clean_text(result.get("stderr", "")),
            "error": result.get("error"),
            "traceback": result.get("traceback", ""),
            "duration_s": result.get("duration_s"),
            "display": result.get("display"),
            "figures": [{"png_bytes": len(figure.get("png", "")) * 3 // 4} for figure in result.get("figures", [])],
            "files": [{"name": written["name"], "size": written["size"]} for written in result.get("files", [])],
            "checks": result.get("checks", []),
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
