"""Benchmark page throughput with gunicorn on loopback over a 2,500-lesson catalog.

Usage: .venv/bin/python bench/serve_pages.py [--lessons 2500] [--seconds 10]

For each page (a lesson, the catalog, a search) it also serves a static file of the
same size through the same server (WhiteNoise in the same gunicorn), which is the
physical limit here, and prints requests per second side by side with the ratio.
Then it prints the catalog's bytes and the uncached search rate beside the figures
before full-text search and the light lesson map, and times the search alone against
the LIKE scan it replaced, in one process on the same database (a same-run ratio).
Needs wrk (Debian package wrk).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_catalog import generate

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
# This benchmark's figures at 2,500 lessons before the lesson map showed only each
# track's first lessons and before full-text search (a LIKE scan over the lesson text).
BEFORE = {"catalog bytes": 1_190_000, "uncached search req/s": 62}
TARGETS = {"catalog bytes": 150_000, "search speed-up": 5}

# Run inside Django: the same word pairs through the LIKE scan search used to be and
# through search_lessons, one page of results each, on the benchmark's database.
ENGINES = """
import time
import django
django.setup()
from django.db.models import Case, IntegerField, Q, Value, When
from lessons.models import Lesson
from lessons.services import search_lessons

def like_scan(query):
    words = query.split()
    condition = Q()
    for word in words:
        condition &= Q(search_text__icontains=word)
    phrase = " ".join(words)
    rank = Case(When(title__icontains=phrase, then=Value(0)), When(summary__icontains=phrase, then=Value(1)), default=Value(2),
                output_field=IntegerField())
    lessons = Lesson.objects.published().filter(condition).select_related("track").annotate(rank=rank).order_by("rank", "catalog_position")
    return len(list(lessons[:50]))  # the page showed up to 50, without a total

def full_text(query):
    results = search_lessons(query)
    results[:20]  # a page, with excerpts
    return results.count()  # the page shows the total too

words = ["pivot", "join", "merge", "chart", "median", "sample", "model", "prompt", "sandbox", "filter"]
pairs = [f"{first} {second}" for first in words for second in words if first != second]
for name, search in (("LIKE scan", like_scan), ("full-text", full_text)):
    started = time.perf_counter()
    matches = [search(query) for query in pairs]
    print(f"{name} {(time.perf_counter() - started) / len(pairs) * 1000:.2f} {sum(matches) / len(matches):.0f}")
"""


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_server(env: dict[str, str]) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen([gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def fetch(path: str) -> bytes:
    with urllib.request.urlopen(BASE + path, timeout=30) as response:
        return response.read()


# Every request searches for a different pair of words, so no search is served from the cache.
DISTINCT_SEARCHES = """
local words = {"pivot", "join", "merge", "chart", "median", "sample", "model", "prompt", "sandbox", "filter",
               "column", "outlier", "privacy", "token", "memory", "category", "schema", "trend", "noise", "forecast"}
local counter = 0
request = function()
  counter = counter + 1
  local first = words[counter % #words + 1]
  local second = words[math.floor(counter / #words) % #words + 1]
  return wrk.format("GET", "/?q=" .. first .. "+" .. second .. "&n=" .. counter)
end
"""


def wrk(path: str, seconds: int, *, cookie: str = "", script: str = "") -> tuple[float, int, int]:
    """Return (requests per second, failed requests, requests) for one URL."""
    command = ["wrk", "-t1", "-c4", f"-d{seconds}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        output = subprocess.run([*command, BASE + path], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    failures = sum(int(number) for number in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        failures += sum(int(number) for number in socket_errors.groups())
    return rate, failures, int(re.search(r"(\d+) requests in", output).group(1))


def workers_cpu_seconds(server: subprocess.Popen) -> float:
    """Return the CPU time the server's worker processes have used so far (from Linux's /proc)."""
    ticks = 0
    for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of the stat line
    return ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lessons", type=int, default=2500)
    parser.add_argument("--seconds", type=int, default=10)
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="lessonbox-bench-") as scratch:
        scratch_path = Path(scratch)
        static_root = scratch_path / "static"
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATA_DIR": scratch,
            "STATIC_ROOT": str(static_root),
        }
        generate(scratch_path / "content", lessons=arguments.lessons, tracks=25)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "import_content", str(scratch_path / "content"))
        engines = subprocess.run(
            [sys.executable, "-c", ENGINES],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        (like_ms, like_matches), (full_text_ms, full_text_matches) = (line.rsplit(" ", 2)[1:] for line in engines)
        like_ms, full_text_ms = float(like_ms), float(full_text_ms)

        middle = f"lesson-012-{arguments.lessons // 50:04d}"
        pages = {"lesson page": f"/lessons/{middle}/", "catalog page": "/", "search": "/?q=pivot+join"}
        # Variants that skip the anonymous page cache: a session cookie (as a signed-in
        # reader sends) renders the page from its fragments; distinct searches hit the database.
        uncached = {
            "lesson page": {"cookie": "sessionid=benchmark"},
            "catalog page": {"cookie": "sessionid=benchmark"},
            "search": {"script": DISTINCT_SEARCHES},
        }
        server = start_server(env)
        try:
            sizes = {name: len(fetch(path)) for name, path in pages.items()}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()
        manage(env, "collectstatic", "--no-input", "-v", "0")
        for name, size in sizes.items():
            (static_root / f"same-size-as-{name.replace(' ', '-')}.html").write_bytes(b"x" * size)

        server = start_server(env)
        load_before = os.getloadavg()[0]
        try:
            rows = []
            for name, path in pages.items():
                static_path = f"/static/same-size-as-{name.replace(' ', '-')}.html"
                for url in (path, static_path):
                    fetch(url)  # warm caches
                page_rate, page_failures, _ = wrk(path, arguments.seconds)
                static_rate, static_failures, _ = wrk(static_path, arguments.seconds)
                cpu_before = workers_cpu_seconds(server)
                rendered_rate, rendered_failures, rendered_requests = wrk(path, arguments.seconds, **uncached[name])
                rendered_cpu_ms = (workers_cpu_seconds(server) - cpu_before) / rendered_requests * 1000
                failures = page_failures + static_failures + rendered_failures
                rows.append((name, sizes[name], page_rate, static_rate, rendered_rate, rendered_cpu_ms, failures))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()

    print(f"catalog: {arguments.lessons} lessons; gunicorn, 2 workers; wrk 1 thread, 4 connections, {arguments.seconds} s per URL")
    print("'uncached' skips the anonymous page cache: a session cookie for pages, a new query on every request for search;")
    print("'CPU ms' is the workers' processor time per uncached request, which other load on the machine changes less than req/s")
    print(f"{'page':14}{'bytes':>10}{'page req/s':>12}{'static req/s':>14}{'ratio':>8}{'uncached req/s':>16}{'ratio':>8}{'CPU ms':>8}{'errors':>8}")
    for name, size, page_rate, static_rate, rendered_rate, rendered_cpu_ms, failures in rows:
        print(
            f"{name:14}{size:10,}{page_rate:12.0f}{static_rate:14.0f}{page_rate / static_rate:8.0%}{rendered_rate:16.0f}{rendered_rate / static_rate:8.0%}"
            f"{rendered_cpu_ms:8.1f}{failures:8}"
        )
    lesson = rows[0]
    print(f"verdict: lesson page at {lesson[2] / lesson[3]:.0%} of the static file (target 50% or more), {sum(row[6] for row in rows)} errors")
    print(f"load average (1 min) {load_before:.2f} before the requests, {os.getloadavg()[0]:.2f} after")
    catalog_bytes, search_rate = rows[1][1], rows[2][4]
    print()
    print(f"{'':24}{'before':>12}{'now':>12}{'target':>14}")
    print(f"{'catalog page bytes':24}{BEFORE['catalog bytes']:12,}{catalog_bytes:12,}{'under ' + format(TARGETS['catalog bytes'], ','):>14}")
    print(
        f"{'uncached search req/s':24}{BEFORE['uncached search req/s']:12}{search_rate:12.0f}"
        f"{format(TARGETS['search speed-up'] * BEFORE['uncached search req/s']) + ' or more':>14}"
    )
    print(
        f"search alone, same run: LIKE scan {like_ms:.1f} ms (the best {like_matches}), "
        f"full-text {full_text_ms:.1f} ms (the best 20 of {full_text_matches} matches, with excerpts, and the total): {like_ms / full_text_ms:.1f}x faster"
    )


if __name__ == "__main__":
    main()
