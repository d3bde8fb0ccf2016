"""Benchmark grading answers through the API with gunicorn on PostgreSQL, and the cost of a sync.

Usage: .venv/bin/python bench/quiz_api.py [--database postgres://postgres@127.0.0.1:5432/lessonbox_bench] [--seconds 10] [--workers 2]

It creates (and afterwards drops) the database named in --database, imports the demo
course, prepares many open attempts, then posts answers with wrk (1 thread, 4
connections) to POST /api/quizzes/<slug>/answers/, every request a new question of an
attempt, as an anonymous browser and as a signed-in learner. A static file from the
same server is measured beside them. Then it times merging 500 signed records into an
account, in process and over HTTP. The answers rate limit is lifted for the run.
Needs wrk (Debian package wrk) and a PostgreSQL server.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).parent))
from scratch_database import drop_database, recreate_database

ROOT = Path(__file__).resolve().parent.parent
PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
ATTEMPTS = 600  # per scenario: 600 attempts x 15 questions = 9,000 distinct answers

WRK_SCRIPT = """
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local path, body = bodies[(counter - 1) %% #bodies + 1]:match("^(%%S+) (.*)$")
  return wrk.format(nil, path, nil, body)
end
"""


def start_server(env: dict[str, str], workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "warning"], cwd=ROOT, env=env
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(BASE + "/static/css/lessonbox.css", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def cpu_seconds(*, server: subprocess.Popen, database: str) -> tuple[float, float]:
    """Return the CPU time used so far by the server's worker processes and by the benchmark database's PostgreSQL backends.

    Read from /proc (Linux; NaN elsewhere). CPU per answer is steadier than answers per
    second on a machine that other work shares; the backends count only on this machine.
    """
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: str) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    try:
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        web = sum(used(pid) for pid in workers)
    except OSError:
        return math.nan, math.nan
    name = urlparse(database).path.lstrip("/")
    backends = 0.0
    for process in Path("/proc").iterdir():
        try:
            command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if process.name.isdigit() and command.startswith("postgres: ") and f" {name} " in command:
                backends += used(process.name)
        except OSError:
            continue  # a process that ended meanwhile
    return web, backends


def wrk(path: str, seconds: int, *, bodies: Path | None = None, headers: dict[str, str] | None = None) -> tuple[float, int]:
    command = ["wrk", "-t1", "-c4", f"-d{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if bodies:
            lua.write(WRK_SCRIPT % {"bodies": bodies})
            lua.flush()
            command += ["-s", lua.name]
        output = subprocess.run([*command, BASE + path], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    failures = sum(int(number) for number in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    return rate, failures


PREPARE = """
import json, secrets, sys, time
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from common.browser import SESSION_FIELD
from common.sessions import SessionStore
from quizzes.models import Attempt, Quiz

attempts_each = int(sys.argv[1])
out = {}
quizzes = list(Quiz.objects.select_related("lesson"))
learner = get_user_model().objects.create_user("bench@example.com", "bench-password-123")
for scenario in ("anonymous", "signed_in"):
    session = SessionStore()
    browser = secrets.token_urlsafe(16)
    if scenario == "signed_in":
        session["_auth_user_id"] = str(learner.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        session["_auth_user_hash"] = learner.get_session_auth_hash()
    else:
        session[SESSION_FIELD] = browser
    session.create()
    bodies = []
    rows = []
    for n in range(attempts_each):
        quiz = quizzes[n % len(quizzes)]
        keys = list(quiz.questions.live().order_by("position").values_list("key", flat=True))
        rows.append(Attempt(quiz=quiz, learner=learner if scenario == "signed_in" else None, browser_key="" if scenario == "signed_in" else browser,
                            question_keys=keys, question_count=len(keys), seed=n))
    Attempt.objects.bulk_create(rows)
    for attempt in rows:
        questions = {q.key: q for q in attempt.quiz.questions.live()}
        for key in attempt.question_keys:
            question = questions[key]
            answer = question.answer[0] if question.kind == "text" else question.answer
            body = json.dumps({"attempt": str(attempt.public_id), "question": key, "answer": answer}, separators=(",", ":"))
            bodies.append(f"/api/quizzes/{attempt.quiz.lesson.slug}/answers/ {body}")
    out[scenario] = {"session": session.session_key, "bodies": bodies}
print(json.dumps(out))
"""

SYNC = """
import json, time, uuid
from datetime import UTC, datetime, timedelta
import django
django.setup()
from django.contrib.auth import get_user_model
from quizzes.models import Quiz
from quizzes.records import sign_attempt
from quizzes.services import merge_browser_progress

quizzes = list(Quiz.objects.select_related("lesson"))
start = datetime(2026, 1, 1, tzinfo=UTC)
records = [
    sign_attempt(lesson=quizzes[n % len(quizzes)].lesson.slug, attempt=uuid.uuid4(), answers={f"q{k}": k % 3 > 0 for k in range(15)},
                 total=15, score=(n * 7) % 101, passed=(n * 7) % 101 >= 70, at=start + timedelta(minutes=n))
    for n in range(500)
]
timings = []
for round_ in range(5):
    user = get_user_model().objects.create_user(f"sync{round_}@example.com")
    began = time.perf_counter()
    merge_browser_progress(user=user, records=records)
    timings.append(time.perf_counter() - began)
again = time.perf_counter()
merge_browser_progress(user=user, records=records)
repeat = time.perf_counter() - again
print(json.dumps({"first": timings, "repeat": repeat, "records": records}))
"""


def _python(source: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", source, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/lessonbox_bench_quiz")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    arguments = parser.parse_args()
    recreate_database(arguments.database)
    with tempfile.TemporaryDirectory(prefix="lessonbox-bench-") as scratch:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATA_DIR": scratch,
            "DATABASE_URL": arguments.database,
            "DATABASE_CONN_MAX_AGE": "60",
            "STATIC_ROOT": str(Path(scratch) / "static"),
            "RATE_LIMIT_QUIZ_ANSWERS": "1000000/m",
            "RATE_LIMIT_PROGRESS_SYNC": "1000/m",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        try:
            for command in (["migrate", "--no-input", "-v", "0"], ["import_content", "content"], ["collectstatic", "--no-input", "-v", "0"]):
                subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            prepared = json.loads(_python(PREPARE, str(ATTEMPTS), env=env))
            sync = json.loads(_python(SYNC, env=env))

            server = start_server(env, arguments.workers)
            try:
                rows = []
                load = [os.getloadavg()[0]]  # what else the machine was doing: the rates depend on it
                static_rate, static_failures = wrk("/static/css/lessonbox.css", arguments.seconds)
                for scenario, data in prepared.items():
                    bodies = Path(scratch) / f"{scenario}.txt"
                    bodies.write_text("\n".join(data["bodies"]) + "\n")
                    token = secrets.token_hex(16)
                    headers = {"Cookie": f"sessionid={data['session']}; csrftoken={token}", "X-CSRFToken": token}
                    before = cpu_seconds(server=server, database=arguments.database)
                    rate, failures = wrk("/", arguments.seconds, bodies=bodies, headers=headers)
                    after = cpu_seconds(server=server, database=arguments.database)
                    answers = rate * arguments.seconds
                    web, database = ((later - earlier) / answers * 1000 for earlier, later in zip(before, after, strict=True))
                    rows.append((scenario.replace("_", " "), rate, failures, len(data["bodies"]), web, database))
                load.append(os.getloadavg()[0])
                over_http = []
                for _ in range(3):
                    token = secrets.token_hex(16)
                    session = prepared["signed_in"]["session"]
                    body = json.dumps({"records": sync["records"]}).encode()
                    request = urllib.request.Request(
                        BASE + "/api/progress/sync/",
                        data=body,
                        method="POST",
                        headers={"Content-Type": "application/json", "Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token},
                    )
                    began = time.perf_counter()
                    with urllib.request.urlopen(request, timeout=60) as response:
                        result = json.loads(response.read())
                    over_http.append(time.perf_counter() - began)
                    assert result["accepted"] == 500, result
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait()
        finally:
            drop_database(arguments.database)

    print(
        f"PostgreSQL; gunicorn, {arguments.workers} workers; wrk 1 thread, 4 connections, {arguments.seconds} s each; every request grades a new question"
    )
    print(f"{'client':16}{'answers/s':>12}{'static file req/s':>20}{'ratio':>8}{'errors':>8}{'CPU ms/answer: web':>21}{'PostgreSQL':>12}")
    for name, rate, failures, count, web, database in rows:
        note = "" if rate * arguments.seconds < count else "  (ran out of distinct answers: later ones were repeats)"
        print(f"{name:16}{rate:12.0f}{static_rate:20.0f}{rate / static_rate:8.1%}{failures:8}{web:21.2f}{database:12.2f}{note}")
    print(
        f"sync of 500 records in process: median {statistics.median(sync['first']) * 1000:.0f} ms"
        f" (new account), {sync['repeat'] * 1000:.0f} ms sent again (nothing new)"
    )
    print(f"sync of 500 records over HTTP (signed in, 3 rounds, the same records): median {statistics.median(over_http) * 1000:.0f} ms")
    print(f"load average (1 min) before and after the runs: {load[0]:.2f}, {load[1]:.2f} on {os.cpu_count()} CPUs")
    worst = min(row[1] for row in rows)
    print(f"verdict: {worst:.0f} answers/s at the slowest (target 300), {sum(r[2] for r in rows) + static_failures} errors")


if __name__ == "__main__":
    main()
