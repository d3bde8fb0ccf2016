"""Sandbox services: start runs, execute them, store their results and files, and delete them in time."""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.ratelimit import allow_key
from sandbox_runner.isolation import DataFile, Limits, SandboxUnavailable, backend_name, execute
from sandbox_runner.models import IN_FLIGHT, Exercise, Run, RunArtifact, Upload, delete_stored_files
from sandbox_runner.ownership import owner_fields
from sandbox_runner.pool import pool
from sandbox_runner.text import clean_result

logger = logging.getLogger(__name__)

MAX_CODE_CHARACTERS = 100_000
MB = 1024 * 1024
TOO_LARGE = "too large"
SITE_FAILURE = (
    "Something went wrong on this site while running your code (not a problem in your code). "
    "Please run it again in a moment; if it keeps happening, tell the site's team."
)


class RunRefused(Exception):
    """A run was not started; the message says why, for the learner, and status_code for HTTP."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SandboxOff(RunRefused):
    status_code = 503


class TooManyRuns(RunRefused):
    status_code = 429


class RunInFlight(RunRefused):
    status_code = 409

    def __init__(self, message: str, *, run: Run | None = None) -> None:
        super().__init__(message)
        self.run = run  # the run still going, when known


# Worded to stay true on the page after that run has finished (its result shows below the message).
IN_FLIGHT_MESSAGE = "Your previous run was still going, so this one did not start. Run again once it has finished."


def sandbox_status() -> dict[str, Any]:
    """Say whether code can run on this site, and whether it runs isolated.

    The web may run on a machine without bubblewrap while workers elsewhere have it; only
    the embedded setup (file broker: web and worker on one machine) can tell from here.
    """
    if settings.SANDBOX_ALLOW_UNISOLATED:
        return {"available": True, "isolated": False, "message": ""}
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        try:
            backend_name()
        except SandboxUnavailable as error:
            return {"available": False, "isolated": False, "message": str(error)}
    return {"available": True, "isolated": True, "message": ""}


def exercise_data(exercise: Exercise | None) -> list[DataFile]:
    if exercise is None:
        return []
    return [DataFile(name=data_file.path, content=bytes(data_file.content)) for data_file in exercise.files.all()]


def upload_data(uploads: list[Upload]) -> list[DataFile]:
    """Read the learner's uploads from file storage, as data files for the sandbox."""
    data = []
    for upload in uploads:
        with upload.file.open("rb") as handle:
            data.append(DataFile(name=upload.sandbox_path, content=handle.read()))
    return data


def run_code(*, code: str, exercise: Exercise | None = None, uploads: list[Upload] | None = None, use_pool: bool = True) -> dict[str, Any]:
    """Run code (with the exercise's data and checks, and the learner's uploads) in the sandbox now; return the raw result."""
    limits = Limits.for_exercise(exercise.limits if exercise else None)
    data = exercise_data(exercise) + upload_data(uploads or [])
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


def start_run(*, code: str, user, session_key: str, rate_key: str, exercise: Exercise | None = None) -> Run:
    """Check that this owner may run code now, then create the run; raise RunRefused (with an HTTP status) if not."""
    status = sandbox_status()
    if not status["available"]:
        raise SandboxOff(status["message"])
    # Asked first so that a refused click does not spend the minute's allowance; create_run
    # still guards the race between two posts at once.
    if going := Run.objects.for_owner(user=user, session_key=session_key).in_flight().first():
        raise RunInFlight(IN_FLIGHT_MESSAGE, run=going)
    if not allow_key(scope="runs", key=rate_key, rate=f"{settings.SANDBOX_RUNS_PER_MINUTE}/m"):
        raise TooManyRuns("Too many runs in the last minute; wait a moment and run again.")
    return create_run(code=code, user=user, session_key=session_key, exercise=exercise)


def create_run(*, code: str, user=None, session_key: str = "", exercise: Exercise | None = None) -> Run:
    """Store a queued run and hand it to a sandbox worker once the row is committed; raise RunInFlight if one is going."""
    from sandbox_runner.tasks import execute_run

    try:
        # The database's one-run-in-flight constraint decides between concurrent posts.
        with transaction.atomic():
            run = Run.objects.create(
                **owner_fields(user=user, session_key=session_key),
                exercise=exercise,
                code=code,
                limits=Limits.for_exercise(exercise.limits if exercise else None).__dict__,
            )
    except IntegrityError:
        going = Run.objects.for_owner(user=user, session_key=session_key).in_flight().first()
        raise RunInFlight(IN_FLIGHT_MESSAGE, run=going) from None
    execute_run.delay_on_commit(run.id)
    return run


def failed_result(message: str) -> dict[str, Any]:
    return {"status": Run.Status.ERROR, "error": message, "stdout": "", "stderr": "", "checks": [], "figures": [], "files": []}


def run_in_sandbox(*, run_id: int) -> None:
    """Execute a claimed run and store its result; any failure ends the run with a message, never leaves it running."""
    run = Run.objects.select_related("exercise", "learner").get(id=run_id)
    try:
        uploads = list(Upload.objects.for_owner(user=run.learner, session_key=run.session_key))
        result = run_code(code=run.code, exercise=run.exercise, uploads=uploads)
    except SandboxUnavailable as error:
        result = failed_result(str(error))
    except Exception:
        logger.exception("Run %s could not be executed", run_id)
        result = failed_result(SITE_FAILURE)
    store_result(run, result)


@dataclass
class _Output:
    """A figure or file on its way from a guest result to a RunArtifact."""

    kind: str
    position: int
    name: str
    size: int
    content: bytes | None = None
    not_kept: str = ""


def _reported_size(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _decode(encoded: Any, *, cap: int) -> tuple[bytes | None, int, str]:
    """Return (bytes, size, reason): bytes is None when they are not kept, with the reason why."""
    if not isinstance(encoded, str):
        return None, 0, "could not be read"
    if len(encoded) // 4 * 3 > cap + 2:  # too large before decoding it: no need to hold it twice
        return None, len(encoded) // 4 * 3, TOO_LARGE
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None, 0, "could not be read"
    return content, len(content), ""


def _outputs(result: dict[str, Any]) -> list[_Output]:
    """List the figures and files of a cleaned result, deciding which bytes are kept under the site's caps.

    The guest applies the same caps; they are applied again here because its sizes and
    contents are untrusted.
    """
    file_cap, run_cap = settings.SANDBOX_KEEP_FILE_MB * MB, settings.SANDBOX_KEEP_RUN_MB * MB
    outputs: list[_Output] = []
    kept_total = 0
    figures = [entry for entry in result.get("figures", []) if entry.get("png")]
    for position, figure in enumerate(figures, start=1):
        content, size, reason = _decode(figure["png"], cap=file_cap)
        outputs.append(_Output(RunArtifact.Kind.FIGURE, position, figure.get("name") or f"figure-{position}.png", size, content, reason))
    for position, figure in enumerate(result.get("not_kept_figures", []), start=len(figures) + 1):
        name = figure.get("name") or f"figure-{position}.png"
        outputs.append(
            _Output(RunArtifact.Kind.FIGURE, position, name, _reported_size(figure.get("size")), None, figure.get("not_kept") or TOO_LARGE)
        )
    for position, written in enumerate(result.get("files", []), start=1):
        name = written.get("name") or f"file-{position}"
        if written.get("not_kept"):
            outputs.append(_Output(RunArtifact.Kind.FILE, position, name, _reported_size(written.get("size")), None, written["not_kept"]))
        elif not written.get("content") and _reported_size(written.get("size")) > 0:
            # A guest that left out the bytes of a non-empty file did so because it was too large.
            outputs.append(_Output(RunArtifact.Kind.FILE, position, name, _reported_size(written.get("size")), None, TOO_LARGE))
        else:
            content, size, reason = _decode(written.get("content") or "", cap=file_cap)
            outputs.append(_Output(RunArtifact.Kind.FILE, position, name, size, content, reason))
    for output in outputs:
        if output.content is None:
            continue
        if output.size > file_cap or kept_total + output.size > run_cap:
            output.content, output.not_kept = None, TOO_LARGE
        else:
            kept_total += output.size
    return outputs


def store_result(run: Run, result: dict[str, Any]) -> None:
    """Store a sandbox result on its run: text cleaned, files and figures in file storage within the caps."""
    result = clean_result(result)
    run.status = result.get("status") if result.get("status") in Run.FINISHED else Run.Status.ERROR
    run.stdout = result["stdout"]
    run.stderr = result["stderr"]
    run.error_message = result["error"]
    run.traceback = result["traceback"]
    run.display = result["display"]
    run.checks = result["checks"]
    run.duration_s = result.get("duration_s")
    run.backend = str(result.get("backend") or "")[:20]
    run.finished_at = timezone.now()
    artifacts = []
    saved: list[str] = []
    try:
        # Slow writes to the storage happen before the transaction, never inside it.
        for output in _outputs(result):
            artifact = RunArtifact(run=run, kind=output.kind, position=output.position, name=output.name[:300], size=output.size)
            if output.content is not None:
                artifact.file.save(artifact.name, ContentFile(output.content), save=False)
                saved.append(artifact.file.name)
            else:
                artifact.not_kept = output.not_kept[:100]
            artifacts.append(artifact)
        with transaction.atomic():
            run.save()
            RunArtifact.objects.bulk_create(artifacts)
    except BaseException:
        delete_stored_files(saved)  # nothing refers to them
        raise


def fail_stale_runs() -> int:
    """Fail runs whose worker vanished or that no worker picked up; return how many."""
    return Run.objects.fail_stale()


def delete_old_runs(*, days: int, batch: int = 500) -> int:
    """Delete finished runs older than the given days, with their files, keeping each learner's latest run of each exercise."""
    deleted = 0
    while ids := list(Run.objects.past_retention(days=days).values_list("id", flat=True)[:batch]):
        deleted += Run.objects.filter(id__in=ids).delete_with_files()
    return deleted


def delete_expired_uploads(*, batch: int = 500) -> int:
    """Delete expired uploads with their files; return how many."""
    deleted = 0
    while ids := list(Upload.objects.expired().values_list("id", flat=True)[:batch]):
        deleted += Upload.objects.filter(id__in=ids).delete_with_files()
    return deleted


def claim_browser_runs_and_uploads(*, user, browser_key: str) -> int:
    """Move a browser's anonymous runs and uploads to the account that signed in on it; return how many moved.

    A run still going moves too, unless the account already has one going (one at a time):
    that one stays with the browser until it finishes. An upload whose name the account
    already uses replaces the account's older file, as uploading it again would.
    """
    with transaction.atomic():
        moved = Run.objects.filter(learner=None, session_key=browser_key).exclude(status__in=IN_FLIGHT).update(learner=user, session_key="")
        going = Run.objects.filter(learner=None, session_key=browser_key, status__in=IN_FLIGHT).first()
        if going is not None and not Run.objects.filter(learner=user).in_flight().exists():
            moved += Run.objects.filter(pk=going.pk).update(learner=user, session_key="")
        uploads = list(Upload.objects.filter(learner=None, session_key=browser_key))
        names = [upload.name for upload in uploads]
        Upload.objects.filter(learner=user, name__in=names).delete_with_files()
        moved += Upload.objects.filter(pk__in=[upload.pk for upload in uploads]).update(learner=user, session_key="")
    return moved
