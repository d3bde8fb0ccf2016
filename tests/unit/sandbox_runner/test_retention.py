"""Retention: old runs and expired uploads go with their files; each learner's latest run of each exercise stays."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Exercise, Run, Upload
from sandbox_runner.services import store_result
from sandbox_runner.tasks import delete_old_runs_and_uploads
from sandbox_runner.uploads import store_upload

pytestmark = pytest.mark.django_db


def finished_run(*, days_ago: int, exercise=None, learner=None, session_key: str = "", status: str = "ok") -> Run:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        run = Run.objects.create(code="x", learner=learner, session_key=session_key, exercise=exercise, status=Run.Status.RUNNING)
        store_result(run, {"status": "ok", "files": [{"name": "out.txt", "size": 2, "content": base64.b64encode(b"hi").decode()}]})
    if status != "ok":
        Run.objects.filter(pk=run.pk).update(status=status)
    return run


def stored_names(runs: list[Run]) -> list[str]:
    return [artifact.file.name for run in runs for artifact in run.artifacts.all()]


def test_retention_deletes_old_runs_with_their_files_and_keeps_each_learners_latest_per_exercise(
    mini_course, learner, stranger, settings, django_capture_on_commit_callbacks
):
    settings.SANDBOX_RUN_RETENTION_DAYS = 30
    import_catalog(mini_course)
    exercise = Exercise.objects.get(lesson__slug="first-steps")
    older = finished_run(days_ago=60, exercise=exercise, learner=learner)
    latest_old = finished_run(days_ago=40, exercise=exercise, learner=learner)
    strangers_only = finished_run(days_ago=50, exercise=exercise, learner=stranger)
    old_scratchpad = finished_run(days_ago=40, learner=learner)
    old_anonymous = finished_run(days_ago=40, exercise=exercise, session_key="browser-1")
    recent = finished_run(days_ago=3, learner=learner)
    on_the_edge = finished_run(days_ago=29, session_key="browser-2")
    gone, kept = [older, old_scratchpad, old_anonymous], [latest_old, strangers_only, recent, on_the_edge]
    gone_files, kept_files = stored_names(gone), stored_names(kept)
    assert all(default_storage.exists(name) for name in gone_files + kept_files)

    with django_capture_on_commit_callbacks(execute=True):
        counts = delete_old_runs_and_uploads()

    assert counts == {"runs": 3, "uploads": 0}
    assert set(Run.objects.values_list("pk", flat=True)) == {run.pk for run in kept}
    assert not any(default_storage.exists(name) for name in gone_files)
    assert all(default_storage.exists(name) for name in kept_files)


def test_retention_never_deletes_a_run_in_flight(settings, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.now() - timedelta(days=90), tick=False):
        queued = Run.objects.create(code="x", session_key="browser-1")

    with django_capture_on_commit_callbacks(execute=True):
        delete_old_runs_and_uploads()

    assert Run.objects.filter(pk=queued.pk).exists()


def test_expired_uploads_are_deleted_with_their_files(learner, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        old = store_upload(file=SimpleUploadedFile("old.csv", b"a\n1\n"), user=learner)
    live = store_upload(file=SimpleUploadedFile("new.csv", b"a\n2\n"), user=learner)

    with django_capture_on_commit_callbacks(execute=True):
        counts = delete_old_runs_and_uploads()

    assert counts == {"runs": 0, "uploads": 1}
    assert list(Upload.objects.all()) == [live]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(live.file.name)


def test_a_deletion_that_rolls_back_keeps_the_files(learner, django_capture_on_commit_callbacks):
    from django.db import transaction

    upload = store_upload(file=SimpleUploadedFile("keep.csv", b"a\n1\n"), user=learner)

    def delete_then_fail() -> None:
        with transaction.atomic():
            Upload.objects.filter(pk=upload.pk).delete_with_files()
            raise RuntimeError("the transaction fails after the delete")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_then_fail()

    assert Upload.objects.filter(pk=upload.pk).exists()
    assert default_storage.exists(upload.file.name)
