"""Benchmark the authors' analytics pages on PostgreSQL over generated activity, at two sizes.

Usage: .venv/bin/python bench/progress_authors.py [--database postgres://postgres@127.0.0.1:5432/lessonbox_bench_authors]
       [--learners 10000] [--answers 500000] [--tutor-questions 50000] [--runs 100000] [--small 5] [--repeat 3]

For each size (the full one divided by --small, then the full one) it creates a fresh
database (dropped afterwards), imports the demo course and runs `generate_activity`
(timed), then renders every author page through Django's test client in a new process,
signed in as staff: each page --repeat times (the median is reported, and the target is
under 1 s), then once more under tracemalloc for the peak of Python memory one render
takes. Memory should stay flat as activity grows: every query returns rows bounded by
the catalog, not by the activity. The machine's load average is printed beside the
figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scratch_database import drop_database, recreate_database

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "lessons": "/progress/authors/",
    "quiz items": "/progress/authors/quizzes/",
    "tutor": "/progress/authors/tutor/",
    "sandbox": "/progress/authors/sandbox/",
    "content gaps": "/progress/authors/gaps/",
}

RENDER = """
import json, resource, statistics, sys, time, tracemalloc
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client

pages, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
author = get_user_model().objects.create_user("bench-author@example.com", is_staff=True)
client = Client()
client.force_login(author)
found = {}
for name, path in pages.items():
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
    tracemalloc.start()
    client.get(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found[name] = {"median": statistics.median(timings), "first": timings[0], "peak": peak, "bytes": len(response.content)}
print(json.dumps({"pages": found, "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def measure(size: dict[str, int], *, database: str, repeat: int) -> dict:
    recreate_database(database)
    with tempfile.TemporaryDirectory(prefix="lessonbox-bench-") as scratch:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DATA_DIR": scratch,
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        try:
            for command in (["migrate", "--no-input", "-v", "0"], ["import_content", "content"]):
                subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            options = [f"--{name.replace('_', '-')}={value}" for name, value in size.items()]
            began = time.perf_counter()
            generated = subprocess.run(
                [sys.executable, "manage.py", "generate_activity", *options, "--seed=1"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            generation = time.perf_counter() - began
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            done = subprocess.run([sys.executable, "-c", RENDER, json.dumps(PAGES), str(repeat)], cwd=ROOT, env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(done.stderr)
            result = json.loads(done.stdout)
        finally:
            drop_database(database)
    return {"generated": generated, "generation": generation, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/lessonbox_bench_authors")
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=500_000)
    parser.add_argument("--tutor-questions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=5, help="the smaller size is the full one divided by this")
    parser.add_argument("--repeat", type=int, default=3, help="renders of each page to take the median of")
    arguments = parser.parse_args()
    full = {"learners": arguments.learners, "answers": arguments.answers, "tutor_questions": arguments.tutor_questions, "runs": arguments.runs}
    small = {name: max(1, value // arguments.small) for name, value in full.items()}
    load_before = os.getloadavg()
    results = {label: measure(size, database=arguments.database, repeat=arguments.repeat) for label, size in (("small", small), ("full", full))}
    load_after = os.getloadavg()

    print(
        f"PostgreSQL, Django test client in one process, DEBUG off; median of {arguments.repeat} renders per page, peak by tracemalloc over one more"
    )
    print(
        f"load average (1, 5, 15 min): {' '.join(f'{value:.2f}' for value in load_before)} before, {' '.join(f'{value:.2f}' for value in load_after)} after; {os.cpu_count()} CPUs"
    )
    for label in ("small", "full"):
        result = results[label]
        print(f"{label:6} {result['generated'].removeprefix('Generated ')} (generate_activity, {result['generation']:.0f} s with start-up)")
    print(f"{'page':14}{'small ms':>10}{'full ms':>10}{'small peak MB':>15}{'full peak MB':>14}{'full KB':>9}")
    for name in PAGES:
        small_page, full_page = results["small"]["pages"][name], results["full"]["pages"][name]
        print(
            f"{name:14}{small_page['median'] * 1000:10.0f}{full_page['median'] * 1000:10.0f}"
            f"{small_page['peak'] / 2**20:15.1f}{full_page['peak'] / 2**20:14.1f}{full_page['bytes'] / 1024:9.0f}"
        )
    print(f"process peak RSS: {results['small']['max_rss'] / 2**20:.0f} MB small, {results['full']['max_rss'] / 2**20:.0f} MB full")
    slowest = max(page["median"] for page in results["full"]["pages"].values())
    growth = max(results["full"]["pages"][name]["peak"] / results["small"]["pages"][name]["peak"] for name in PAGES)
    print(
        f"verdict: slowest page {slowest * 1000:.0f} ms at full size (target under 1000); peak memory grew at most {growth:.2f}x for {arguments.small}x the activity"
    )


if __name__ == "__main__":
    main()
