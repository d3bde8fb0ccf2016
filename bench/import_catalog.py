"""Benchmark import_content on a generated catalog: wall time and peak memory.

Usage: .venv/bin/python bench/import_catalog.py [--lessons 2500]

Each import runs as its own `manage.py import_content` process on a fresh SQLite
database (or DATABASE_URL, if set), so the peak resident memory is that of the command.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_catalog import generate

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return (seconds, peak resident MB of that child, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    output = process.stdout.read()
    if status != 0:
        sys.exit(f"{' '.join(command)} failed:\n{output}\n{process.stderr.read()}")
    return elapsed, usage.ru_maxrss / 1024, output  # ru_maxrss is in kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lessons", type=int, default=2500)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lessonbox-bench-") as scratch:
        content = Path(scratch) / "content"
        generate(content, lessons=arguments.lessons, tracks=25)
        env = {**os.environ, "DEBUG": "true", "DATA_DIR": scratch}
        python = sys.executable
        run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        baseline_s, baseline_mb, _ = run([python, "manage.py", "check"], env)
        first_s, first_mb, first_out = run([python, "manage.py", "import_content", str(content)], env)
        again_s, again_mb, again_out = run([python, "manage.py", "import_content", str(content)], env)
        check_s, check_mb, _ = run([python, "manage.py", "import_content", str(content), "--check"], env)
        tutor_s, tutor_mb, _ = run([python, "manage.py", "tutor_reindex"], env)

    print(f"catalog: {arguments.lessons} lessons in 25 tracks (every 5th with an exercise), 15 questions each")
    print(first_out.strip())
    print(f"{'':28}{'seconds':>10}{'peak MB':>10}")
    print(f"{'django start-up (check)':28}{baseline_s:10.2f}{baseline_mb:10.0f}")
    print(f"{'first import':28}{first_s:10.2f}{first_mb:10.0f}   target < 60 s, < 500 MB")
    print(f"{'re-import, no changes':28}{again_s:10.2f}{again_mb:10.0f}   ({again_out.strip().splitlines()[0]})")
    print(f"{'--check (validate only)':28}{check_s:10.2f}{check_mb:10.0f}")
    print(f"{'tutor index, every lesson':28}{tutor_s:10.2f}{tutor_mb:10.0f}   (part of the first import; here alone, start-up included)")
    print(f"verdict: {'OK' if first_s < 60 and first_mb < 500 else 'MISSED TARGET'}")


if __name__ == "__main__":
    main()
