"""Each "Keep going" card says why it is there; is_authored becomes the reason "author"."""

from django.db import migrations, models


def authored_links_get_the_author_reason(apps, schema_editor):
    RelatedLesson = apps.get_model("lessons", "RelatedLesson")
    RelatedLesson.objects.filter(is_authored=True).update(reason="author")


def author_reason_back_to_is_authored(apps, schema_editor):
    RelatedLesson = apps.get_model("lessons", "RelatedLesson")
    RelatedLesson.objects.filter(reason="author").update(is_authored=True)


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
    ]
