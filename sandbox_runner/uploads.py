"""Learners' own data files: checked, stored per owner, expired after a while."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from sandbox_runner.models import Upload

ALLOWED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json"}
MAX_UPLOADS_PER_OWNER = 10


class UploadRefused(ValueError):
    """The file cannot be taken; the message says why, for the learner."""


def safe_name(name: str) -> str:
    """Return a plain file name (letters, digits, dot, dash, underscore) from whatever a browser sent."""
    base = PurePosixPath(name.replace("\\", "/")).name
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-") or "upload"
    return cleaned[:100]


def store_upload(*, file: UploadedFile, user=None, session_key: str = "") -> Upload:
    """Check and store an uploaded file for its owner; raise UploadRefused with a reason."""
    name = safe_name(file.name or "")
    if PurePosixPath(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise UploadRefused(f"Upload a CSV or Excel file ({', '.join(sorted(ALLOWED_SUFFIXES))}); {name!r} is not one.")
    limit = settings.SANDBOX_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise UploadRefused(f"{name} is {file.size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB.")
    if file.size == 0:
        raise UploadRefused(f"{name} is empty.")
    owned = Upload.objects.for_owner(user=user, session_key=session_key)
    if owned.count() >= MAX_UPLOADS_PER_OWNER:
        raise UploadRefused(f"You already have {MAX_UPLOADS_PER_OWNER} files; delete one first.")
    Upload.objects.expired().delete()
    owned.filter(name=name).delete()  # uploading the same name again replaces the file
    content = b"".join(file.chunks())
    return Upload.objects.create(
        learner=user if user is not None and user.is_authenticated else None,
        session_key="" if user is not None and user.is_authenticated else session_key,
        name=name,
        size=len(content),
        content=content,
        expires_at=timezone.now() + timedelta(days=settings.SANDBOX_UPLOAD_DAYS),
    )
