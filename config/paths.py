"""Where the sandbox's Python environment lives by default (no Django import: bin/ uses it too).

Sandboxes run as other, unprivileged users, so the environment must sit in folders they
may enter. The project's var/ folder is used when it qualifies; a checkout inside a
private home folder gets a folder under /var/tmp instead, named after the checkout.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def searchable_by_others(path: Path) -> bool:
    """Say whether every folder above path lets other users pass through."""
    for folder in [path, *path.parents]:
        if folder.exists() and not os.stat(folder).st_mode & 0o001:
            return False
    return True


def default_sandbox_runtime_dir(base_dir: Path) -> Path:
    inside = base_dir / "var" / "sandbox-runtime"
    if searchable_by_others(base_dir):
        return inside
    digest = hashlib.sha256(str(base_dir).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"lessonbox-{digest}" / "sandbox-runtime"


if __name__ == "__main__":
    print(default_sandbox_runtime_dir(Path(__file__).resolve().parent.parent))
