"""A lesson's end-of-lesson quiz and its questions (as authored; taking quizzes comes later)."""

from __future__ import annotations

from django.db import models

from lessons.models import Lesson


class Quiz(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    pass_percent = models.PositiveSmallIntegerField(default=70)

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return f"Quiz: {self.lesson.title}"


class QuestionQuerySet(models.QuerySet):
    def live(self) -> QuestionQuerySet:
        """Return the questions still in the quiz (not archived by an import)."""
        return self.filter(is_archived=False)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "One answer"
        MULTIPLE = "multiple", "Several answers"
        TRUE_FALSE = "true_false", "True or false"
        NUMBER = "number", "A number"
        TEXT = "text", "A word or phrase"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=100, help_text="The author's stable id; progress refers to it.")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prompt = models.TextField()
    choices = models.JSONField(default=list, blank=True)
    # single: the right choice; multiple: the right choices; true_false: a bool;
    # number: the number; text: the accepted answers. Never sent before grading.
    answer = models.JSONField()
    tolerance = models.FloatField(null=True, blank=True)
    explanation = models.TextField(blank=True)
    section_heading = models.CharField(max_length=300, blank=True)
    is_archived = models.BooleanField(default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="question_key_unique")]

    def __str__(self) -> str:
        return self.prompt[:80]
