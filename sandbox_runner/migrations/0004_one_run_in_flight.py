"""One run in flight per owner: end all but each owner's newest unfinished run, then let the database enforce it."""

from django.db import migrations
from django.utils import timezone

IN_FLIGHT = ("queued", "running")
SUPERSEDED = "A newer run of yours replaced this one before it finished; please run it again."


def end_all_but_the_newest_unfinished_run(apps, schema_editor):
    Run = apps.get_model("sandbox_runner", "Run")
    seen = set()
    superseded = []
    for run in Run.objects.filter(status__in=IN_FLIGHT).order_by("-created_at", "-id").only("id", "learner_id", "session_key"):
        owner = ("learner", run.learner_id) if run.learner_id else ("browser", run.session_key)
        if owner in seen and owner != ("browser", ""):
            superseded.append(run.id)
        seen.add(owner)
    Run.objects.filter(id__in=superseded).update(status="error", error_message=SUPERSEDED, finished_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox_runner', '0003_uploads'),
    ]

    operations = [
        migrations.RunPython(end_all_but_the_newest_unfinished_run, migrations.RunPython.noop),
    ]
