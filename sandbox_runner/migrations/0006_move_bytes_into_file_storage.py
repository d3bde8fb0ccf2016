"""Move figures, written files and uploads from database rows into the file storage, and back on reverse.

Nothing is deleted on the way forward (the bytes column goes in the next migration); on the way back a
stored file is deleted only once its bytes are committed to the row again.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, transaction

BATCH = 200


def _rows(model):
    """Yield rows in batches by id, loading one batch of bytes at a time."""
    last = 0
    while True:
        batch = list(model.objects.filter(id__gt=last).order_by("id")[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def move_into_storage(apps, schema_editor):
    RunArtifact = apps.get_model("sandbox_runner", "RunArtifact")
    Upload = apps.get_model("sandbox_runner", "Upload")
    for artifact in _rows(RunArtifact):
        if artifact.file or artifact.not_kept:
            continue
        name = default_storage.save(f"runs/{artifact.run_id}/{artifact.kind}-{artifact.position}", ContentFile(bytes(artifact.content)))
        RunArtifact.objects.filter(id=artifact.id).update(file=name, size=len(artifact.content))
    for upload in _rows(Upload):
        if upload.file:
            continue
        name = default_storage.save(f"uploads/migrated-{upload.id}", ContentFile(bytes(upload.content)))
        Upload.objects.filter(id=upload.id).update(file=name, size=len(upload.content))


def move_back_into_rows(apps, schema_editor):
    RunArtifact = apps.get_model("sandbox_runner", "RunArtifact")
    Upload = apps.get_model("sandbox_runner", "Upload")
    stored = []
    for model in (RunArtifact, Upload):
        for row in _rows(model):
            if not row.file:
                continue
            with default_storage.open(row.file.name, "rb") as handle:
                model.objects.filter(id=row.id).update(content=handle.read(), file="")
            stored.append(row.file.name)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in stored])


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox_runner', '0005_files_in_storage_and_one_run_in_flight'),
    ]

    operations = [
        migrations.RunPython(move_into_storage, move_back_into_rows),
    ]
