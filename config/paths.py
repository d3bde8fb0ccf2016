"""Where the sandbox's Python environment lives by default (no Django import: bin/ uses it too).

Started by root, sandboxes run as throwaway unprivileged users, so the environment must
sit in folders any user may enter. The project's var/ folder is used when it qualifies
(or when not running as root: then sandboxes run as the same user); a checkout inside a
private folder gets a root-owned folder under /var/lib instead, named after the checkout.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def searchable_by_others(path: Path) -> bool:
    """Say whether every existing folder on the way to path lets other users pass through."""
    return all(os.stat(folder).st_mode & 0o001 for folder in [path, *path.parents] if folder.exists())


def default_sandbox_runtime_dir(base_dir: Path) -> Path:
    if os.geteuid() != 0 or searchable_by_others(base_dir):
        return base_dir / "var" / "sandbox-runtime"
    digest = hashlib.sha256(str(base_dir).encode()).hexdigest()[:10]
    return Path("/var/lib/lessonbox") / digest / "sandbox-runtime"


if __name__ == "__main__":
    print(default_sandbox_runtime_dir(Path(__file__).resolve().parent.parent))
