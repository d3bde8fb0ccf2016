"""Learners' own data files: checked, stored per owner, expired after a while."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from sandbox_runner.models import Upload, delete_stored_files
from sandbox_runner.ownership import lock_owner, owner_fields

ALLOWED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json"}
MAX_UPLOADS_PER_OWNER = 10
MB = 1024 * 1024


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
    _check_room(name=name, size=file.size, user=user, session_key=session_key)  # before any bytes are written
    upload = Upload(
        **owner_fields(user=user, session_key=session_key),
        name=name,
        size=file.size,
        expires_at=timezone.now() + timedelta(days=settings.SANDBOX_UPLOAD_DAYS),
    )
    upload.file.save(name, file, save=False)  # to the storage first: slow I/O stays out of the transaction
    try:
        with transaction.atomic():
            # Checked again under the owner's lock: two uploads at once cannot both take the last room.
            lock_owner(user=user, session_key=session_key)
            _check_room(name=name, size=file.size, user=user, session_key=session_key)
            Upload.objects.for_owner(user=user, session_key=session_key).filter(name=name).delete_with_files()  # the same name replaces
            upload.save()
    except BaseException:
        delete_stored_files([upload.file.name])
        raise
    return upload


def _check_room(*, name: str, size: int, user, session_key: str) -> None:
    """Raise UploadRefused if the owner's other files leave no room (by count or by bytes) for this one."""
    others = Upload.objects.for_owner(user=user, session_key=session_key).exclude(name=name)
    if others.count() >= MAX_UPLOADS_PER_OWNER:
        raise UploadRefused(f"You already have {MAX_UPLOADS_PER_OWNER} files; delete one first.")
    quota = settings.SANDBOX_UPLOAD_QUOTA_MB * MB
    kept = others.aggregate(total=Sum("size"))["total"] or 0
    if kept + size > quota:
        raise UploadRefused(
            f"{name} ({filesizeformat(size)}) does not fit: your files already take {filesizeformat(kept)} "
            f"of the {filesizeformat(quota)} you may keep. Delete a file first."
        )


def delete_upload(*, upload: Upload) -> None:
    """Delete an upload and its stored file."""
    Upload.objects.filter(pk=upload.pk).delete_with_files()
