"""Apply the output rule (no hidden or reordering format characters) to runs stored before it existed."""

from django.db import migrations

from sandbox_runner.text import clean_result, clean_text

BATCH = 500
FIELDS = ("stdout", "stderr", "error_message", "traceback", "display", "checks")


def clean_stored_output(apps, schema_editor):
    Run = apps.get_model("sandbox_runner", "Run")
    RunArtifact = apps.get_model("sandbox_runner", "RunArtifact")
    last = 0
    while batch := list(Run.objects.filter(id__gt=last).order_by("id").only("id", *FIELDS)[:BATCH]):
        last = batch[-1].id
        for run in batch:
            cleaned = clean_result(
                {"stdout": run.stdout, "stderr": run.stderr, "error": run.error_message, "traceback": run.traceback, "display": run.display, "checks": run.checks}
            )
            values = {
                "stdout": cleaned["stdout"],
                "stderr": cleaned["stderr"],
                "error_message": cleaned["error"],
                "traceback": cleaned["traceback"],
                "display": cleaned["display"],
                "checks": cleaned["checks"],
            }
            if any(getattr(run, field) != value for field, value in values.items()):
                Run.objects.filter(id=run.id).update(**values)
    for artifact in RunArtifact.objects.only("id", "name").iterator():
        if (name := clean_text(artifact.name, limit=300)) != artifact.name:
            RunArtifact.objects.filter(id=artifact.id).update(name=name)


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox_runner', '0007_remove_bytes_columns'),
    ]

    operations = [
        migrations.RunPython(clean_stored_output, migrations.RunPython.noop),
    ]
