"""Exercises as authored: instructions, starter code, checks and the data files they read."""

from __future__ import annotations

from django.db import models

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
