"""A run's figures and files: kept in file storage within the caps, listed when not kept, served to their owner only."""

from __future__ import annotations

import base64

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Run, RunArtifact
from sandbox_runner.services import store_result
from sandbox_runner.tasks import execute_run

pytestmark = pytest.mark.django_db
KB = 1024


def encoded(size: int, byte: bytes = b"x") -> str:
    return base64.b64encode(byte * size).decode()


def running_run(learner) -> Run:
    return Run.objects.create(code="x", learner=learner, status=Run.Status.RUNNING)


def read(response) -> bytes:
    return b"".join(response.streaming_content)  # the test client closes the response (and the file) at the end


@pytest.fixture
def small_caps(settings):
    settings.SANDBOX_KEEP_FILE_MB = 1
    settings.SANDBOX_KEEP_RUN_MB = 2


def test_kept_files_live_in_file_storage_not_in_rows(learner):
    run = running_run(learner)

    store_result(run, {"status": "ok", "files": [{"name": "out/result.csv", "size": 4, "content": encoded(4, b"a")}]})

    artifact = run.artifacts.get()
    assert artifact.is_kept
    assert not hasattr(artifact, "content")
    assert artifact.file.name.startswith(f"runs/{run.pk}/")
    assert "result" not in artifact.file.name  # the code never chooses where its bytes are stored
    with default_storage.open(artifact.file.name) as handle:
        assert handle.read() == b"aaaa"


def test_a_file_over_the_per_file_cap_is_listed_as_not_kept_with_its_size(learner, small_caps):
    run = running_run(learner)

    store_result(run, {"status": "ok", "files": [{"name": "big.bin", "size": 1, "content": encoded(1024 * KB + 1)}]})

    artifact = run.artifacts.get()
    assert (artifact.name, artifact.size, artifact.not_kept, artifact.file.name) == ("big.bin", 1024 * KB + 1, "too large", "")


def test_files_past_the_runs_total_are_not_kept_and_earlier_ones_are(learner, small_caps):
    run = running_run(learner)
    files = [{"name": f"part-{n}.bin", "size": 900 * KB, "content": encoded(900 * KB)} for n in range(3)]

    store_result(run, {"status": "ok", "figures": [{"png": encoded(100 * KB)}], "files": files})

    kept = {artifact.name: artifact.is_kept for artifact in run.artifacts.all()}
    assert kept == {"figure-1.png": True, "part-0.bin": True, "part-1.bin": True, "part-2.bin": False}
    assert sum(artifact.size for artifact in run.artifacts.all() if artifact.is_kept) <= 2 * 1024 * KB


def test_the_guests_not_kept_entries_are_stored_and_its_sizes_are_not_trusted(learner, small_caps):
    run = running_run(learner)

    store_result(
        run,
        {
            "status": "ok",
            "files": [
                {"name": "huge.parquet", "size": 12_900_000, "not_kept": "too large"},
                {"name": "liar.bin", "size": 3, "content": encoded(1024 * KB + 5)},  # says 3 bytes, is more than the cap
                {"name": "cut.csv", "size": 6_000_000, "content": ""},  # an older guest leaves out what it cannot send
                {"name": "empty.txt", "size": 0, "content": ""},
            ],
            "not_kept_figures": [{"name": "figure-2.png", "size": 3_000_000, "not_kept": "too large"}],
        },
    )

    rows = {artifact.name: (artifact.size, artifact.not_kept, artifact.is_kept) for artifact in run.artifacts.all()}
    assert rows == {
        "huge.parquet": (12_900_000, "too large", False),
        "liar.bin": (1024 * KB + 5, "too large", False),
        "cut.csv": (6_000_000, "too large", False),
        "empty.txt": (0, "", True),
        "figure-2.png": (3_000_000, "too large", False),
    }


def test_not_kept_files_are_listed_in_the_api_and_on_the_page(client, learner):
    client.force_login(learner)
    run = running_run(learner)
    store_result(
        run,
        {
            "status": "ok",
            "files": [{"name": "ok.csv", "size": 2, "content": encoded(2)}, {"name": "big.csv", "size": 12_900_000, "not_kept": "too large"}],
        },
    )

    files = client.get(f"/api/runs/{run.pk}/").json()["files"]
    page = client.get(f"/runs/{run.pk}/").content.decode()

    assert files[1] == {"name": "big.csv", "size": 12_900_000, "url": None, "not_kept": "too large"}
    assert files[0]["not_kept"] is None
    assert "not kept: too large (12.3\xa0MB)" in page
    assert "A run keeps up to 20 MB of files and figures, 10 MB per file." in page
    not_kept = run.artifacts.get(name="big.csv")
    assert client.get(not_kept.get_absolute_url()).status_code == 404


def test_a_runs_files_are_served_to_their_owner_only(client, learner, stranger):
    run = running_run(learner)
    store_result(run, {"status": "ok", "files": [{"name": "mine.csv", "size": 2, "content": encoded(2)}]})
    url = run.artifacts.get().get_absolute_url()
    other = Client()
    other.force_login(stranger)
    owner = Client()
    owner.force_login(learner)

    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 404
    response = owner.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="mine.csv"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert read(response) == b"xx"
    elsewhere = RunArtifact.objects.get().pk
    assert owner.get(f"/runs/{run.pk + 1}/artifacts/{elsewhere}/").status_code == 404


def test_a_file_name_that_is_not_ascii_downloads_under_its_name(client, learner):
    client.force_login(learner)
    run = running_run(learner)
    store_result(run, {"status": "ok", "files": [{"name": "données/été.csv", "size": 2, "content": encoded(2)}]})

    response = client.get(run.artifacts.get().get_absolute_url())

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%A9t%C3%A9.csv"
    assert read(response) == b"xx"


def test_a_real_run_that_writes_past_the_cap_lists_the_file_as_not_kept(client, mini_course, settings):
    settings.SANDBOX_KEEP_FILE_MB = 1
    import_catalog(mini_course)
    response = client.post(
        "/api/runs/", {"code": "open('big.bin', 'wb').write(b'x' * 1_500_000)\nopen('small.txt', 'w').write('ok')"}, content_type="application/json"
    )
    execute_run(response.json()["id"])

    body = client.get(f"/api/runs/{response.json()['id']}/").json()

    assert body["status"] == "ok", body
    files = {entry["name"]: entry for entry in body["files"]}
    assert files["big.bin"]["not_kept"] == "too large"
    assert files["big.bin"]["size"] == 1_500_000
    assert files["big.bin"]["url"] is None
    assert read(client.get(files["small.txt"]["url"])) == b"ok"


def test_operators_see_runs_and_their_not_kept_files_read_only_in_the_admin(client, author, learner):
    run = running_run(learner)
    store_result(run, {"status": "ok", "files": [{"name": "big.csv", "size": 12_900_000, "not_kept": "too large"}]})
    client.force_login(author)

    listing = client.get("/admin/sandbox_runner/run/")
    detail = client.get(f"/admin/sandbox_runner/run/{run.pk}/change/")
    uploads = client.get("/admin/sandbox_runner/upload/")

    assert listing.status_code == detail.status_code == uploads.status_code == 200
    assert "big.csv" in detail.content.decode()
    assert "too large" in detail.content.decode()
    assert client.post(f"/admin/sandbox_runner/run/{run.pk}/delete/", {"post": "yes"}).status_code == 403
