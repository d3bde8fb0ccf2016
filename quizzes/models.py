"""A lesson's end-of-lesson quiz: its questions as authored, attempts at it, and learners' progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

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


class AttemptQuerySet(models.QuerySet):
    def for_owner(self, *, user, browser_key: str | None) -> AttemptQuerySet:
        """Return the attempts of a signed-in learner, or of an anonymous browser."""
        if user is not None and user.is_authenticated:
            return self.filter(learner=user)
        if not browser_key:
            return self.none()
        return self.filter(learner=None, browser_key=browser_key)

    def open(self) -> AttemptQuerySet:
        """Return attempts still being taken."""
        return self.filter(finished_at__isnull=True)

    def finished(self) -> AttemptQuerySet:
        return self.filter(finished_at__isnull=False)


class Attempt(models.Model):
    """One learner's (or one browser's) pass through a quiz, graded answer by answer on the server."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="quiz_attempts")
    browser_key = models.CharField(max_length=64, blank=True, db_index=True, help_text="The anonymous browser that owns it.")
    # The questions of this attempt, in order, as they were when it started: an import
    # in the middle of an attempt does not reshuffle it.
    question_keys = models.JSONField(default=list)
    seed = models.PositiveIntegerField(help_text="Shuffles the choices: stable within the attempt, new for the next.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    is_passed = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(learner=None, browser_key=""), name="attempt_has_an_owner"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.public_id} at {self.quiz}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    def belongs_to(self, *, user, browser_key: str | None) -> bool:
        """Return whether the attempt is this signed-in learner's, or this anonymous browser's (as for_owner() filters)."""
        if user is not None and user.is_authenticated:
            return self.learner_id == user.pk
        return bool(browser_key) and self.learner_id is None and self.browser_key == browser_key


class GivenAnswer(models.Model):
    """One graded answer inside an attempt: what was given and whether it was right."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    given = models.JSONField()
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "answered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question_per_attempt")]

    def __str__(self) -> str:
        return f"{self.question.key}: {'right' if self.is_correct else 'wrong'}"


class AttemptResult(models.Model):
    """A finished attempt in a learner's progress: from this server, or from a signed browser record.

    The progress of a learner is the set of these rows (and of AnswerResult rows): a record
    merged twice is the same row, so merging is idempotent and order-independent.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempt_results")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="results")
    attempt_id = models.UUIDField()
    score_percent = models.PositiveSmallIntegerField()
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    is_passed = models.BooleanField()
    finished_at = models.DateTimeField()
    from_browser = models.BooleanField(default=False, help_text="Merged from a browser's signed record.")

    class Meta:
        ordering = ["learner", "-finished_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "attempt_id"], name="attempt_result_once_per_learner")]
        indexes = [models.Index(fields=["quiz", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.score_percent}% on {self.quiz}"


class AnswerResult(models.Model):
    """A graded answer in a learner's progress (for weak spots and item analysis)."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answer_results")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="answer_results")
    attempt_id = models.UUIDField()
    question_key = models.SlugField(max_length=100)
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "attempt_id", "question_key"], name="answer_result_once_per_learner")]
        indexes = [models.Index(fields=["quiz", "question_key"])]

    def __str__(self) -> str:
        return f"{self.question_key}: {'right' if self.is_correct else 'wrong'}"


class LessonProgressQuerySet(models.QuerySet):
    def for_learner(self, user) -> LessonProgressQuerySet:
        return self.filter(learner=user)


class LessonProgress(models.Model):
    """A learner's standing on one lesson's quiz, derived from their AttemptResult rows."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="progress")
    attempts = models.PositiveIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(default=0)
    last_score = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the quiz was first passed.")

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "quiz"], name="progress_once_per_learner_and_quiz")]

    def __str__(self) -> str:
        return f"{self.learner} on {self.quiz}: best {self.best_score}%"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None
