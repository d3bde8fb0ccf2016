"""What the run hands back besides its output: the files it wrote and its figures, within caps.

Runs in the supervisor after the learner's processes are gone. The work folder is the
learner's: it may hold anything (thousands of files, folders nested a thousand deep,
symlinks, FIFOs, files larger than any message), so the walk is iterative, looks at
links and special files with lstat only and never follows them, and stops looking after
a fixed number of entries. Whatever it finds, the result stays under the run's caps:
files that do not fit are listed by name and size with the reason they were not kept.
"""

from __future__ import annotations

import itertools
import os
import stat

from .common import WORK, suppress

MAX_KEPT_FILES = 20  # files handed back with their content
MAX_LISTED = 100  # entries in the list in all, kept or not
MAX_SCANNED = 10_000  # folder entries looked at before the walk gives up
TOO_LARGE = "too large"
OVER_RUN_TOTAL = "over the run's total"
TOO_MANY = "too many files"


class Allowance:
    """The bytes one run may still hand back (figures and files together)."""

    def __init__(self, *, run_bytes: int, file_bytes: int) -> None:
        self.left = run_bytes
        self.file_bytes = file_bytes

    def refusal(self, size: int) -> str | None:
        """Take size bytes from the allowance, or return why they cannot be kept."""
        if size > self.file_bytes:
            return TOO_LARGE
        if size > self.left:
            return OVER_RUN_TOTAL
        self.left -= size
        return None


def keep_figures(figures: list[dict], allowance: Allowance) -> tuple[list[dict], list[dict]]:
    """Split figures into those kept (PNG within the allowance) and entries for those not kept."""
    kept, not_kept = [], []
    for number, figure in enumerate(figures, start=1):
        # The figures come from the learner's report: plain JSON, but any JSON.
        png, size = figure.get("png"), figure.pop("png_size", None)
        png = png if isinstance(png, str) else ""
        size = size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else len(png) * 3 // 4
        reason = allowance.refusal(size) if png else TOO_LARGE
        figure["png"] = png
        if reason is None:
            kept.append(figure)
        else:
            not_kept.append({"name": f"figure-{number}.png", "size": size, "not_kept": reason})
    return kept, not_kept


def written_files(allowance: Allowance, root: str = WORK) -> list[dict]:
    """List the regular files the code left under root (never data/ or hidden ones), with content for those kept."""
    import binascii  # not base64, which imports re: milliseconds on every run

    entries: list[dict] = []
    kept = skipped = skipped_bytes = scanned = 0
    folders = [""]  # breadth first: files near the top are the ones a learner looks for
    while folders and scanned < MAX_SCANNED:
        relative_folder = folders.pop(0)
        try:
            with os.scandir(os.path.join(root, relative_folder) if relative_folder else root) as listing:
                # Never more entries in memory than the walk may still look at.
                found = sorted(itertools.islice(listing, MAX_SCANNED - scanned + 1), key=lambda entry: entry.name)
        except OSError:
            continue  # vanished, unreadable, or a path too long to open: not ours to keep
        for entry in found:
            scanned += 1
            if scanned > MAX_SCANNED:
                break
            name = os.path.join(relative_folder, entry.name) if relative_folder else entry.name
            if entry.name.startswith(".") or name == "data":
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                folders.append(name)
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if len(entries) >= MAX_LISTED:
                skipped, skipped_bytes = skipped + 1, skipped_bytes + info.st_size
                continue
            reason = TOO_MANY if kept >= MAX_KEPT_FILES else allowance.refusal(info.st_size)
            content = _read(entry.path, info.st_size) if reason is None else None
            if reason is None and content is None:
                allowance.left += info.st_size
                reason = "unreadable"
            if reason is None:
                kept += 1
                entries.append(
                    {"name": name, "size": info.st_size, "content": binascii.b2a_base64(content, newline=False)}
                )  # bytes: sent as they are
            else:
                entries.append({"name": name, "size": info.st_size, "not_kept": reason})
    if skipped or scanned > MAX_SCANNED:
        more = f"{skipped} more files" if scanned <= MAX_SCANNED else "more files (not all were looked at)"
        entries.append({"name": more, "size": skipped_bytes, "not_kept": TOO_MANY})
    return entries


def _read(path: str, size: int) -> bytes | None:
    with suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with open(descriptor, "rb") as handle:
            content = handle.read(size + 1)
        return content if len(content) == size else None  # changed under us: nothing half-kept
    return None
