"""Exercises as authored: instructions, starter code, checks and the data files they read."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson


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


class RunQuerySet(models.QuerySet):
    def for_owner(self, *, user, session_key: str | None) -> RunQuerySet:
        """Return the runs that belong to a signed-in learner, or to an anonymous browser session."""
        if user is not None and user.is_authenticated:
            return self.filter(learner=user)
        if not session_key:
            return self.none()
        return self.filter(learner=None, session_key=session_key)

    def claim(self, run_id: int) -> bool:
        """Move a queued run to running (compare-and-set); return whether this caller got it."""
        return self.filter(id=run_id, status=Run.Status.QUEUED).update(status=Run.Status.RUNNING, started_at=timezone.now()) == 1

    def fail_stale(self, *, grace_seconds: int = 120) -> int:
        """Fail runs left running past their wall clock plus a grace period (their worker died unseen)."""
        cutoff = timezone.now() - timedelta(seconds=grace_seconds)
        stale = [
            run.id
            for run in self.filter(status=Run.Status.RUNNING, started_at__lt=cutoff).only("id", "limits", "started_at")
            if run.started_at + timedelta(seconds=int(run.limits.get("wall_seconds", 60))) < cutoff
        ]
        return self.filter(id__in=stale, status=Run.Status.RUNNING).update(
            status=Run.Status.ERROR, error_message=WORKER_LOST, finished_at=timezone.now()
        )

    def fail_if_running(self, run_id: int, *, message: str) -> int:
        """Mark a run that was left running (its worker died) as an error."""
        return self.filter(id=run_id, status=Run.Status.RUNNING).update(status=Run.Status.ERROR, error_message=message, finished_at=timezone.now())


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


class RunArtifact(models.Model):
    """A figure or a file a run produced, kept for the learner to see and download."""

    class Kind(models.TextChoices):
        FIGURE = "figure"
        FILE = "file"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    class Meta:
        ordering = ["run", "kind", "position"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sandbox_runner:artifact", args=[self.run_id, self.pk])


class UploadQuerySet(models.QuerySet):
    def for_owner(self, *, user, session_key: str | None) -> UploadQuerySet:
        """Return a learner's (or an anonymous browser's) uploads that have not expired."""
        live = self.filter(expires_at__gt=timezone.now())
        if user is not None and user.is_authenticated:
            return live.filter(learner=user)
        if not session_key:
            return live.none()
        return live.filter(learner=None, session_key=session_key)

    def expired(self) -> UploadQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class Upload(models.Model):
    """A learner's own data file (CSV or Excel) that their runs can read, read-only, in data/uploads/."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads")
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField()
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
