"""The tutor's stored state: each lesson's reading of itself, and the questions learners asked."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lessons.models import Lesson


class LessonIndex(models.Model):
    """A lesson split into passages with their stems (tutor.passages.LessonText as JSON).

    Rebuilt by the import for the lessons it changed; content_hash says which version
    of the lesson it was built from, so a stale index is never used.
    """

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="tutor_index")
    content_hash = models.CharField(max_length=64)
    data = models.JSONField()
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Tutor index of {self.lesson_id}"


class AskedQuestion(models.Model):
    """One question a learner asked, kept for the authors' dashboard for TUTOR_QUESTION_RETENTION_DAYS."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="tutor_questions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    question = models.TextField()
    covered = models.BooleanField()
    reason = models.CharField(max_length=30, help_text="answered, not-covered, steering, quiz-pointer or quiz-review")
    engine = models.CharField(max_length=30)
    sections = models.JSONField(default=list, blank=True, help_text="Anchors of the sections the answer cited.")
    latency_ms = models.PositiveIntegerField()
    asked_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["lesson", "covered", "asked_at"], name="asked_lesson_covered")]

    def __str__(self) -> str:
        return self.question[:80]
