"""Each "Keep going" card says why it is there; is_authored becomes the reason "author".

Reading order then fills the places the author and content left, as the importer does
from now on, so a catalog imported before has its full cards without a new import.
"""

from django.db import migrations, models

CARDS = 3


def authored_links_get_the_author_reason(apps, schema_editor):
    RelatedLesson = apps.get_model("lessons", "RelatedLesson")
    RelatedLesson.objects.filter(is_authored=True).update(reason="author")


def author_reason_back_to_is_authored(apps, schema_editor):
    RelatedLesson = apps.get_model("lessons", "RelatedLesson")
    RelatedLesson.objects.filter(reason="author").update(is_authored=True)


def fill_cards_in_reading_order(apps, schema_editor):
    Lesson = apps.get_model("lessons", "Lesson")
    RelatedLesson = apps.get_model("lessons", "RelatedLesson")
    lessons = list(Lesson.objects.filter(is_archived=False, track__is_archived=False).order_by("catalog_position").values("id", "track_id"))
    chosen = {lesson["id"]: [] for lesson in lessons}
    for lesson_id, related_id in RelatedLesson.objects.order_by("lesson_id", "position").values_list("lesson_id", "related_id"):
        if lesson_id in chosen:
            chosen[lesson_id].append(related_id)
    added = []
    for place, lesson in enumerate(lessons):
        cards = chosen[lesson["id"]]
        for step in range(1, len(lessons)):
            if len(cards) >= CARDS:
                break
            other = lessons[(place + step) % len(lessons)]
            if other["id"] in cards:
                continue
            cards.append(other["id"])
            if place + step >= len(lessons):
                reason = "from-the-start"
            else:
                reason = "next-in-track" if other["track_id"] == lesson["track_id"] else "next-track"
            added.append(RelatedLesson(lesson_id=lesson["id"], related_id=other["id"], position=len(cards), reason=reason))
    RelatedLesson.objects.bulk_create(added, batch_size=1000)


def drop_reading_order_cards(apps, schema_editor):
    RelatedLesson = apps.get_model("lessons", "RelatedLesson")
    RelatedLesson.objects.filter(reason__in=["next-in-track", "next-track", "from-the-start"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("lessons", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="relatedlesson",
            name="reason",
            field=models.CharField(
                choices=[
                    ("author", "Related"),
                    ("content", "Related"),
                    ("next-in-track", "Next in this track"),
                    ("next-track", "Next track"),
                    ("from-the-start", "From the start"),
                ],
                default="content",
                max_length=20,
            ),
        ),
        migrations.RunPython(authored_links_get_the_author_reason, author_reason_back_to_is_authored),
        migrations.RemoveField(
            model_name="relatedlesson",
            name="is_authored",
        ),
        migrations.RunPython(fill_cards_in_reading_order, drop_reading_order_cards),
    ]
