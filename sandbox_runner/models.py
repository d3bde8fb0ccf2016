"""Exercises as authored: instructions, starter code, checks and the data files they read."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson
from sandbox_runner.ownership import OwnedQuerySet


class ExerciseQuerySet(models.QuerySet):
    def live(self) -> ExerciseQuerySet:
        """Return exercises still present in their lesson folder."""
        return self.filter(is_archived=False)


class Exercise(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="exercise")
    title = models.CharField(max_length=200)
    instructions_markdown = models.TextField()
    instructions_html = models.TextField()
    starter_file = models.CharField(max_length=200, default="starter.py")
    starter_code = models.TextField()
    # The checks and the reference solution never reach a learner's browser.
    check_file = models.CharField(max_length=200, blank=True)
    check_code = models.TextField(blank=True)
    solution_file = models.CharField(max_length=200, blank=True)
    solution_code = models.TextField(blank=True)
    limits = models.JSONField(default=dict, blank=True, help_text="Per-exercise limits; the site's caps still apply.")
    is_archived = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = ExerciseQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title

    @property
    def has_checks(self) -> bool:
        return bool(self.check_code)


class ExerciseFile(models.Model):
    """A data file the exercise's code may read (read-only in the sandbox)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=300, help_text="Relative to the exercise folder, e.g. data/orders.csv")
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["exercise", "path"]
        constraints = [models.UniqueConstraint(fields=["exercise", "path"], name="exercise_file_path_unique")]

    def __str__(self) -> str:
        return self.path


WORKER_LOST = "The worker running this code stopped before it finished; please run it again."
NEVER_STARTED = "No sandbox picked this run up in time; please run it again."
IN_FLIGHT = ("queued", "running")

logger = logging.getLogger(__name__)


def delete_stored_files(names: list[str]) -> None:
    """Delete files from the default storage; a file that is already gone is not an error."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            # The rows are gone already: a file left behind costs space, never a learner's data.
            logger.exception("Could not delete stored file %s", name)


class FileRowsQuerySet(OwnedQuerySet):
    """Rows that own files in storage: deleting them deletes their files, once the deletion is committed."""

    def stored_file_names(self) -> list[str]:
        """Return the storage names of these rows' files (rows whose own field is `file`)."""
        return list(self.exclude(file="").values_list("file", flat=True))

    def delete_with_files(self) -> int:
        """Delete these rows and, after the commit, their stored files; return how many rows went."""
        with transaction.atomic():
            names = self.stored_file_names()
            _, counts = self.delete()
            # After the commit only: a rolled-back deletion must find its files still there.
            transaction.on_commit(lambda: delete_stored_files(names))
        return counts.get(self.model._meta.label, 0)


class RunQuerySet(FileRowsQuerySet):
    def stored_file_names(self) -> list[str]:
        return list(RunArtifact.objects.filter(run__in=self.values("id")).exclude(file="").values_list("file", flat=True))

    def in_flight(self) -> RunQuerySet:
        """Return runs that are queued or running."""
        return self.filter(status__in=IN_FLIGHT)

    def claim(self, run_id: int) -> bool:
        """Move a queued run to running (compare-and-set); return whether this caller got it."""
        return self.filter(id=run_id, status=Run.Status.QUEUED).update(status=Run.Status.RUNNING, started_at=timezone.now()) == 1

    def fail_stale(self, *, grace_seconds: int = 120, queued_seconds: int = 900) -> int:
        """Fail runs left running past their wall clock plus a grace period, or never picked up; return how many."""
        now = timezone.now()
        cutoff = now - timedelta(seconds=grace_seconds)
        stale = [
            run.id
            for run in self.filter(status=Run.Status.RUNNING, started_at__lt=cutoff).only("id", "limits", "started_at")
            if run.started_at + timedelta(seconds=int(run.limits.get("wall_seconds", 60))) < cutoff
        ]
        lost = self.filter(id__in=stale, status=Run.Status.RUNNING).update(status=Run.Status.ERROR, error_message=WORKER_LOST, finished_at=now)
        # A queued run whose message never reached a worker would block its owner's next run forever.
        never_started = self.filter(status=Run.Status.QUEUED, created_at__lt=now - timedelta(seconds=queued_seconds)).update(
            status=Run.Status.ERROR, error_message=NEVER_STARTED, finished_at=now
        )
        return lost + never_started

    def fail_if_running(self, run_id: int, *, message: str) -> int:
        """Mark a run that was left running (its worker died) as an error."""
        return self.filter(id=run_id, status=Run.Status.RUNNING).update(status=Run.Status.ERROR, error_message=message, finished_at=timezone.now())

    def fail_unfinished(self, run_id: int, *, message: str) -> int:
        """End a queued or running run as an error with a message; return 1 if it was unfinished."""
        return self.filter(id=run_id, status__in=IN_FLIGHT).update(status=Run.Status.ERROR, error_message=message, finished_at=timezone.now())

    def past_retention(self, *, days: int) -> RunQuerySet:
        """Return finished runs older than the given days, except each learner's latest run of each exercise."""
        latest = (
            Run.objects.filter(learner__isnull=False, exercise__isnull=False)
            .values("learner", "exercise")
            .annotate(latest=Max("id"))
            .values("latest")
        )
        old = self.exclude(status__in=IN_FLIGHT).filter(created_at__lt=timezone.now() - timedelta(days=days))
        return old.exclude(id__in=latest)


class Run(models.Model):
    """One execution of a learner's code in the sandbox."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        OK = "ok"
        ERROR = "error"
        TIMEOUT = "timeout"
        KILLED = "killed"
        LIMIT = "limit"

    FINISHED = (Status.OK, Status.ERROR, Status.TIMEOUT, Status.KILLED, Status.LIMIT)

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    session_key = models.CharField(max_length=64, blank=True, db_index=True, help_text="The browser session of an anonymous learner.")
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    code = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    error_message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    display = models.JSONField(null=True, blank=True, help_text="The last expression's value: a table or text.")
    checks = models.JSONField(default=list, blank=True)
    limits = models.JSONField(default=dict, blank=True)
    backend = models.CharField(max_length=20, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One run in flight per owner, enforced by the database so two posts at once cannot both start one.
            models.UniqueConstraint(
                fields=["learner"], condition=Q(status__in=IN_FLIGHT, learner__isnull=False), name="one_run_in_flight_per_learner"
            ),
            models.UniqueConstraint(
                fields=["session_key"],
                condition=Q(status__in=IN_FLIGHT, learner__isnull=True) & ~Q(session_key=""),
                name="one_run_in_flight_per_browser",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("sandbox_runner:run", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def display_rows(self) -> list[tuple[str, list[str]]]:
        """Return a table display's rows with their index labels, for templates."""
        if not self.display or self.display.get("kind") != "table":
            return []
        return list(zip(self.display.get("index", []), self.display.get("rows", []), strict=False))

    @property
    def passed_all_checks(self) -> bool:
        return bool(self.checks) and all(check.get("passed") for check in self.checks)

    @property
    def shown_figures(self) -> list[RunArtifact]:
        """Return the figures whose images were kept (from the prefetched artifacts)."""
        return [item for item in self.artifacts.all() if item.kind == RunArtifact.Kind.FIGURE and item.is_kept]

    @property
    def listed_files(self) -> list[RunArtifact]:
        """Return the written files, and the figures that were not kept, in the order to list them."""
        return [item for item in self.artifacts.all() if item.kind == RunArtifact.Kind.FILE or not item.is_kept]

    @property
    def has_outputs_not_kept(self) -> bool:
        return any(not item.is_kept for item in self.artifacts.all())

    @property
    def keep_note(self) -> str:
        return f"A run keeps up to {settings.SANDBOX_KEEP_RUN_MB} MB of files and figures, {settings.SANDBOX_KEEP_FILE_MB} MB per file."


def artifact_path(artifact: RunArtifact, _filename: str) -> str:
    # Storage names never carry what the code chose to call its files: the name field does.
    return f"runs/{artifact.run_id}/{artifact.kind}-{artifact.position}"


class RunArtifact(models.Model):
    """A figure or a file a run produced: kept in file storage for its owner, or listed as not kept."""

    class Kind(models.TextChoices):
        FIGURE = "figure"
        FILE = "file"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=artifact_path, max_length=200, blank=True)
    not_kept = models.CharField(max_length=100, blank=True, help_text='Why the bytes were not kept, e.g. "too large"; empty when kept.')

    class Meta:
        ordering = ["run", "kind", "position"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sandbox_runner:artifact", args=[self.run_id, self.pk])

    @property
    def is_kept(self) -> bool:
        return bool(self.file) and not self.not_kept


class UploadQuerySet(FileRowsQuerySet):
    def for_owner(self, *, user, session_key: str | None) -> UploadQuerySet:
        """Return a learner's (or an anonymous browser's) uploads that have not expired."""
        return super().for_owner(user=user, session_key=session_key).filter(expires_at__gt=timezone.now())

    def expired(self) -> UploadQuerySet:
        return self.filter(expires_at__lte=timezone.now())


def upload_path(_upload: Upload, _filename: str) -> str:
    return f"uploads/{uuid.uuid4().hex}"


class Upload(models.Model):
    """A learner's own data file (CSV or Excel) that their runs can read, read-only, in data/uploads/."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads")
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=upload_path, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def sandbox_path(self) -> str:
        return f"data/uploads/{self.name}"
