"""Bytes stored in rows before file storage move into it without loss, and back again on reverse."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("sandbox_runner", "0003_uploads")]
AFTER = [("sandbox_runner", "0008_clean_stored_output")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_0003():
    apps = migrate(BEFORE)
    yield apps
    migrate(executor_leaf())


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


def executor_leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_existing_bytes_move_into_file_storage_and_back(at_0003, django_user_model):
    apps = at_0003
    Run = apps.get_model("sandbox_runner", "Run")
    RunArtifact = apps.get_model("sandbox_runner", "RunArtifact")
    Upload = apps.get_model("sandbox_runner", "Upload")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    run = Run.objects.create(code="x", session_key="s", status="ok", stdout="grade: \u202edeliaf\n")
    twice = [Run.objects.create(code="x", session_key="t", status=status) for status in ("queued", "running")]
    RunArtifact.objects.create(run=run, kind="figure", position=1, name="figure-1.png", size=len(png), content=png)
    RunArtifact.objects.create(run=run, kind="file", position=1, name="out.csv", size=4, content=b"a\n1\n")
    Upload.objects.create(session_key="s", name="sales.csv", size=3, content=b"1,2", expires_at=timezone.now())

    apps = migrate(AFTER)

    RunArtifact = apps.get_model("sandbox_runner", "RunArtifact")
    Upload = apps.get_model("sandbox_runner", "Upload")
    Run = apps.get_model("sandbox_runner", "Run")
    stored = {artifact.name: stored_bytes(artifact.file.name) for artifact in RunArtifact.objects.all()}
    assert stored == {"figure-1.png": png, "out.csv": b"a\n1\n"}
    upload = Upload.objects.get()
    assert (upload.name, stored_bytes(upload.file.name)) == ("sales.csv", b"1,2")
    assert Run.objects.get(pk=run.pk).stdout == "grade: [U+202E]deliaf\n"
    # Two runs in flight for one browser could not stay: the older one ended, the newer one goes on.
    assert [Run.objects.get(pk=older.pk).status for older in twice] == ["error", "running"]

    names = [artifact.file.name for artifact in RunArtifact.objects.all()] + [upload.file.name]

    apps = migrate(BEFORE)

    assert not any(default_storage.exists(name) for name in names)  # back in rows only, once that was committed
    RunArtifact = apps.get_model("sandbox_runner", "RunArtifact")
    Upload = apps.get_model("sandbox_runner", "Upload")
    assert {artifact.name: bytes(artifact.content) for artifact in RunArtifact.objects.all()} == {"figure-1.png": png, "out.csv": b"a\n1\n"}
    assert bytes(Upload.objects.get().content) == b"1,2"
