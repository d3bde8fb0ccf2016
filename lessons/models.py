"""The catalog: tracks of lessons, each lesson a list of sections and key terms.

Rows are written only by the content importer (see lessons/authoring); authors edit
files in git, not rows. Nothing is ever deleted by an import: a lesson that leaves the
tree is archived, so learners' progress that points at it survives.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


class TrackQuerySet(models.QuerySet):
    def published(self) -> TrackQuerySet:
        """Return the tracks learners can see."""
        return self.filter(is_archived=False)

    def in_catalog_order(self) -> TrackQuerySet:
        """Return the tracks ordered as the catalog lists them."""
        return self.order_by("order", "slug")


class Track(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    order = models.IntegerField(default=0, help_text="Tracks are listed by this number, then by slug.")
    is_archived = models.BooleanField(default=False, help_text="Set by the importer when the track leaves the tree.")
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:track", args=[self.slug])


# The long texts of a lesson: what a list, a card or a quiz never needs to load.
LESSON_TEXT_FIELDS = ("intro_markdown", "intro_html", "body_markdown", "search_text", "search_vector")


class LessonQuerySet(models.QuerySet):
    def published(self) -> LessonQuerySet:
        """Return the lessons learners can see: not archived, in a track that is not archived."""
        return self.filter(is_archived=False, track__is_archived=False)

    def in_catalog_order(self) -> LessonQuerySet:
        """Return the lessons in catalog order: tracks by order, then lessons by number."""
        return self.order_by("track__order", "track__slug", "number", "slug")


class Lesson(models.Model):
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(max_length=100, unique=True)
    number = models.PositiveIntegerField(help_text="The NN of the lesson's folder: its order inside the track.")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    minutes = models.PositiveSmallIntegerField()
    big_idea = models.TextField()
    intro_markdown = models.TextField(blank=True)
    intro_html = models.TextField(blank=True)
    body_markdown = models.TextField(help_text="The Markdown below the front matter, as the author wrote it.")
    search_text = models.TextField(blank=True, help_text="Plain text of the whole lesson, for search.")
    # PostgreSQL's search index (GIN-indexed by a migration); always empty on SQLite,
    # which keeps its index in an FTS5 table instead. See lessons/search.py.
    search_vector = SearchVectorField(null=True, editable=False)
    authored_related = models.JSONField(default=list, blank=True, help_text="Slugs from the author's related: list.")
    catalog_position = models.PositiveIntegerField(null=True, blank=True, db_index=True, editable=False)
    is_archived = models.BooleanField(default=False, help_text="Set by the importer when the lesson leaves the tree.")
    source_path = models.CharField(max_length=300, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["track__order", "track__slug", "number", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", args=[self.slug])

    @property
    def folder_name(self) -> str:
        return f"{self.number:02d}-{self.slug}"

    def neighbours(self) -> dict[str, Lesson | None]:
        """Return the previous and next published lessons in catalog order."""
        if self.catalog_position is None:
            return {"previous": None, "next": None}
        around = (
            Lesson.objects.published().filter(catalog_position__in=[self.catalog_position - 1, self.catalog_position + 1]).select_related("track")
        )
        by_position = {lesson.catalog_position: lesson for lesson in around}
        return {"previous": by_position.get(self.catalog_position - 1), "next": by_position.get(self.catalog_position + 1)}

    def keep_going(self) -> list[RelatedLesson]:
        """Return the "Keep going" cards in order, each with its lesson and the reason it is there."""
        return list(self.related_links.filter(related__is_archived=False).select_related("related__track"))

    def related_lessons(self) -> list[Lesson]:
        """Return the "Keep going" lessons, in order."""
        return [link.related for link in self.keep_going()]


class Section(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=300, help_text="Markdown source of the heading.")
    heading_html = models.CharField(max_length=1000)
    anchor = models.SlugField(max_length=120)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="section_position_unique"),
            models.UniqueConstraint(fields=["lesson", "anchor"], name="section_anchor_unique"),
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return f"{self.lesson.get_absolute_url()}#{self.anchor}"


class KeyTerm(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="key_terms")
    position = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=200)
    definition = models.TextField()
    definition_html = models.TextField()
    anchor = models.SlugField(max_length=130)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [models.UniqueConstraint(fields=["lesson", "position"], name="key_term_position_unique")]

    def __str__(self) -> str:
        return self.term


class RelatedLesson(models.Model):
    """One "Keep going" card: named by the author, related by content, or next in reading order."""

    class Reason(models.TextChoices):
        # The label is what the card says to learners: why this lesson is offered.
        AUTHOR = "author", "Related"  # named in the lesson's related: list
        CONTENT = "content", "Related"  # shares distinctive words with the lesson
        NEXT_IN_TRACK = "next-in-track", "Next in this track"
        NEXT_TRACK = "next-track", "Next track"  # the first lessons of a following track
        FROM_THE_START = "from-the-start", "From the start"  # past the end of the catalog, reading order wraps around

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=20, choices=Reason, default=Reason.CONTENT)
    score = models.FloatField(default=0.0, help_text="Similarity of the two lessons (authored links keep theirs for reference).")

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="related_position_unique"),
            models.UniqueConstraint(fields=["lesson", "related"], name="related_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} → {self.related}"

    @property
    def is_authored(self) -> bool:
        return self.reason == self.Reason.AUTHOR
