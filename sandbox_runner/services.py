"""Sandbox services: create runs, execute them, and turn guest results into rows."""

from __future__ import annotations

import base64
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from sandbox_runner.isolation import DataFile, Limits, SandboxUnavailable, backend_name, execute
from sandbox_runner.models import Exercise, Run, RunArtifact, Upload
from sandbox_runner.pool import pool

MAX_CODE_CHARACTERS = 100_000
# Terminal escape sequences (colours, cursor moves, title changes) and control
# characters other than newline and tab: nothing of them belongs on a page or in a row.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str, *, limit: int = 2_000_000) -> str:
    """Return output safe to store and show: no NUL, no escape sequences, size-capped."""
    cleaned = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "\n… (cut)"


def exercise_data(exercise: Exercise | None) -> list[DataFile]:
    if exercise is None:
        return []
    return [DataFile(name=data_file.path, content=bytes(data_file.content)) for data_file in exercise.files.all()]


def run_code(*, code: str, exercise: Exercise | None = None, uploads: list[Upload] | None = None, use_pool: bool = True) -> dict[str, Any]:
    """Run code (with the exercise's data and checks, and the learner's uploads) in the sandbox now; return the result."""
    limits = Limits.for_exercise(exercise.limits if exercise else None)
    data = exercise_data(exercise) + [DataFile(name=upload.sandbox_path, content=bytes(upload.content)) for upload in uploads or []]
    check_source = exercise.check_code if exercise else ""
    guest = pool().take(limits=limits, code=code, check_source=check_source) if use_pool else None
    try:
        result = execute(code=code, limits=limits, data=data, check_source=check_source, guest=guest)
    finally:
        if use_pool:
            pool().fill()
    result["limits"] = {
        "wall_seconds": limits.wall_seconds,
        "cpu_seconds": limits.cpu_seconds,
        "memory_mb": limits.memory_mb,
        "processes": limits.processes,
        "output_kb": limits.output_kb,
        "disk_mb": limits.disk_mb,
    }
    result["backend"] = backend_name()
    return result


def create_run(*, code: str, user=None, session_key: str = "", exercise: Exercise | None = None) -> Run:
    """Store a queued run and hand it to a sandbox worker once the row is committed."""
    from sandbox_runner.tasks import execute_run

    run = Run.objects.create(
        learner=user if user is not None and user.is_authenticated else None,
        session_key="" if user is not None and user.is_authenticated else session_key,
        exercise=exercise,
        code=code,
        limits=Limits.for_exercise(exercise.limits if exercise else None).__dict__,
    )
    execute_run.delay_on_commit(run.id)
    return run


def run_in_sandbox(*, run_id: int) -> None:
    """Execute a claimed run and store its result; expected failures become a status, not a traceback."""
    run = Run.objects.select_related("exercise", "learner").get(id=run_id)
    uploads = list(Upload.objects.for_owner(user=run.learner, session_key=run.session_key))
    try:
        result = run_code(code=run.code, exercise=run.exercise, uploads=uploads)
    except SandboxUnavailable as error:
        result = {"status": Run.Status.ERROR, "error": str(error), "stdout": "", "stderr": "", "checks": [], "figures": [], "files": []}
    store_result(run, result)


def store_result(run: Run, result: dict[str, Any]) -> None:
    run.status = result.get("status", Run.Status.ERROR)
    run.stdout = clean_text(result.get("stdout", ""))
    run.stderr = clean_text(result.get("stderr", ""))
    run.error_message = clean_text(result.get("error") or "", limit=10_000)
    run.traceback = clean_text(result.get("traceback") or "", limit=50_000)
    run.display = result.get("display")
    run.checks = [
        {
            key: clean_text(str(check.get(key, "")), limit=2000) if key != "passed" else bool(check.get("passed"))
            for key in ("name", "title", "passed", "message")
        }
        for check in result.get("checks", [])
    ]
    run.duration_s = result.get("duration_s")
    run.backend = result.get("backend", "")
    run.finished_at = timezone.now()
    artifacts = [
        RunArtifact(run=run, kind=RunArtifact.Kind.FIGURE, position=position, name=f"figure-{position}.png", content=png, size=len(png))
        for position, png in enumerate((base64.b64decode(figure.get("png") or "") for figure in result.get("figures", [])), start=1)
        if png
    ]
    for position, written in enumerate(result.get("files", []), start=1):
        content = base64.b64decode(written.get("content") or "")
        artifacts.append(
            RunArtifact(
                run=run,
                kind=RunArtifact.Kind.FILE,
                position=position,
                name=clean_text(str(written.get("name", "")), limit=300),
                content=content,
                size=int(written.get("size", len(content))),
            )
        )
    with transaction.atomic():
        run.save()
        RunArtifact.objects.bulk_create(artifacts)
