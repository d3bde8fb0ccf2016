from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sandbox_runner.models import Run, Upload
from sandbox_runner.tasks import execute_run
from sandbox_runner.uploads import safe_name

pytestmark = pytest.mark.django_db


def csv_file(name: str = "sales.csv", content: bytes = b"region,revenue\nNorth,10\nSouth,32\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def run(client, code: str) -> Run:
    response = client.post("/api/runs/", {"code": code}, content_type="application/json")
    run = Run.objects.get(pk=response.json()["id"])
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_learners_runs_read_their_uploaded_csv_read_only(client):
    response = client.post("/api/uploads/", {"file": csv_file()})

    assert response.status_code == 201
    assert response.json()["path"] == "data/uploads/sales.csv"
    result = run(
        client,
        "import pandas as pd\ndf = pd.read_csv('data/uploads/sales.csv')\nprint(df['revenue'].sum())\nopen('data/uploads/sales.csv', 'a').write('x')",
    )
    assert result.stdout == "42\n"
    assert "OSError" in result.traceback or "PermissionError" in result.traceback


def test_excel_uploads_can_be_read_with_pandas(client):
    buffer = io.BytesIO()
    pd.DataFrame({"a": [1, 2, 3]}).to_excel(buffer, index=False)
    client.post("/api/uploads/", {"file": SimpleUploadedFile("book.xlsx", buffer.getvalue())})

    result = run(client, "import pandas as pd\nprint(pd.read_excel('data/uploads/book.xlsx')['a'].sum())")

    assert (result.status, result.stdout) == ("ok", "6\n")


def test_uploads_belong_to_their_owner_alone(client, stranger):
    upload_id = client.post("/api/uploads/", {"file": csv_file()}).json()["id"]
    other = Client()
    other.force_login(stranger)

    assert other.get("/api/uploads/").json() == []
    assert other.delete(f"/api/uploads/{upload_id}/").status_code == 404
    result = run(other, "import os\nprint(os.listdir('data'))")
    assert result.stdout == "[]\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("notes.exe", b"MZ", "Upload a CSV or Excel file"), ("empty.csv", b"", "is empty"), ("big.csv", b"x" * 2048, "the limit is")],
)
def test_bad_uploads_are_refused_with_a_reason(client, settings, name, content, message):
    settings.SANDBOX_UPLOAD_MAX_BYTES = 1024

    response = client.post("/api/uploads/", {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not Upload.objects.exists()


def test_expired_uploads_are_not_available(client):
    client.post("/api/uploads/", {"file": csv_file()})
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get("/api/uploads/").json() == []
    assert run(client, "import os\nprint(os.path.exists('data/uploads/sales.csv'))").stdout == "False\n"


def test_the_upload_form_works_without_javascript(client):
    response = client.post("/uploads/", {"file": csv_file(), "next": "/scratchpad/"})

    assert response.status_code == 302
    assert response["Location"] == "/scratchpad/"
    assert "data/uploads/sales.csv" in client.get("/scratchpad/").content.decode()
    refused = client.post("/uploads/", {"file": csv_file("x.exe"), "next": "https://evil.example/"}, follow=True)
    assert refused.redirect_chain[0][0] == "/scratchpad/"  # never an outside address
    assert "is not one" in refused.content.decode()


@pytest.mark.parametrize(
    ("given", "expected"), [("../../etc/passwd.csv", "passwd.csv"), ("C:\\Users\\me\\Données 2024.csv", "Donnees-2024.csv"), ("...", "upload")]
)
def test_file_names_are_made_plain(given, expected):
    assert safe_name(given) == expected


def test_uploads_live_in_file_storage(client):
    client.post("/api/uploads/", {"file": csv_file()})

    upload = Upload.objects.get()
    with default_storage.open(upload.file.name) as handle:
        assert handle.read() == b"region,revenue\nNorth,10\nSouth,32\n"
    assert "sales" not in upload.file.name  # the browser never chooses where bytes are stored


def test_a_learners_uploads_share_one_quota(client, settings):
    settings.SANDBOX_UPLOAD_QUOTA_MB = 1
    assert client.post("/api/uploads/", {"file": csv_file("a.csv", b"x" * 700_000)}).status_code == 201

    refused = client.post("/api/uploads/", {"file": csv_file("b.csv", b"x" * 400_000)})

    assert refused.status_code == 400
    assert refused.json()["file"] == [
        "b.csv (390.6\xa0KB) does not fit: your files already take 683.6\xa0KB of the 1.0\xa0MB you may keep. Delete a file first."
    ]
    assert list(Upload.objects.values_list("name", flat=True)) == ["a.csv"]
    assert len(default_storage.listdir("uploads")[1]) == 1  # nothing of the refused file was stored
    assert client.post("/api/uploads/", {"file": csv_file("a.csv", b"x" * 900_000)}).status_code == 201  # a replacement counts once


def test_the_quota_refusal_shows_on_the_page(client, settings):
    settings.SANDBOX_UPLOAD_QUOTA_MB = 1
    client.post("/uploads/", {"file": csv_file("a.csv", b"x" * 700_000), "next": "/scratchpad/"})

    page = client.post("/uploads/", {"file": csv_file("b.csv", b"x" * 400_000)}, headers={"HX-Request": "true"})

    assert page.status_code == 400
    assert "does not fit" in page.content.decode()


def test_replacing_and_deleting_an_upload_delete_its_file(client, django_capture_on_commit_callbacks):
    client.post("/api/uploads/", {"file": csv_file()})
    first = Upload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/uploads/", {"file": csv_file(content=b"a\n2\n")})
    second = Upload.objects.get()

    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/uploads/{second.pk}/").status_code == 204

    assert not Upload.objects.exists()
    assert not default_storage.exists(second.file.name)


def test_the_delete_form_deletes_the_file_too(client, django_capture_on_commit_callbacks):
    client.post("/api/uploads/", {"file": csv_file()})
    upload = Upload.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/uploads/{upload.pk}/delete/", {"next": "/scratchpad/"})

    assert response.status_code == 302
    assert not default_storage.exists(upload.file.name)


@pytest.mark.django_db(transaction=True)
def test_uploads_at_the_same_moment_cannot_pass_the_quota_together(learner, settings):
    import threading

    from django.db import connection

    from sandbox_runner.uploads import UploadRefused, store_upload

    settings.SANDBOX_UPLOAD_QUOTA_MB = 1
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def upload(name: str) -> None:
        try:
            barrier.wait()
            store_upload(file=SimpleUploadedFile(name, b"x" * 700_000), user=learner)
            outcomes.append("stored")
        except UploadRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(f"part-{n}.csv",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "refused", "stored"]
    assert Upload.objects.count() == 1
    assert len(default_storage.listdir("uploads")[1]) == 1  # the refused ones left no file behind
