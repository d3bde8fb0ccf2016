from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
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
