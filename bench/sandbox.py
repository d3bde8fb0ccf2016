"""Benchmark the sandbox against the bare interpreter, side by side in one run.

Usage: .venv/bin/python bench/sandbox.py [--repeat 20] [--broker redis://127.0.0.1:6379/12] [--local-only]

Prints:
- the floor: the sandbox's Python running `-c pass` and `-c "import pandas, matplotlib"`;
- a trivial run in a cold sandbox (isolation cost = that minus the floor);
- a pandas + matplotlib run from the warm pool, beside the bare import it avoids;
- end to end through `manage.py sandbox_exec --json` (Django start-up included);
- through the HTTP API with real Celery workers (gunicorn, a broker, 2 worker processes):
  latency of one run, and trivial runs per second with both workers busy
  (--local-only skips this and sandbox_exec: the sandbox alone, nothing else started).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="lessonbox-bench-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from sandbox_runner.isolation import Limits, execute  # noqa: E402
from sandbox_runner.pool import WarmPool  # noqa: E402

PLOT = "import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.DataFrame({'x': range(10), 'y': [v * v for v in range(10)]})\ndf.plot(x='x', y='y')\ndf.describe()"
PORT = 8766


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(samples) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   (n={len(samples)})"


def bare(code: str) -> None:
    subprocess.run(
        [settings.SANDBOX_PYTHON, "-c", code],
        check=True,
        env={"OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(Path(settings.SANDBOX_PYTHON).parent.parent / "mplconfig")},
    )


def sandboxed(code: str) -> None:
    result = execute(code=code, limits=Limits.for_exercise())
    assert result["status"] == "ok", result


def pooled_runs(code: str, repeat: int, *, warm: bool) -> list[float]:
    """Time runs that take a started sandbox from a pool (refilled between runs, untimed)."""
    pool = WarmPool(size=1 if warm else 0, light_size=0 if warm else 1)
    samples = []
    for _ in range(repeat):
        pool.fill()
        while not pool._ready:  # wait for the replacement sandbox, outside the timing
            time.sleep(0.02)
        start = time.perf_counter()
        guest = pool.take(limits=Limits.for_exercise(), code=code, check_source="")
        result = execute(code=code, limits=Limits.for_exercise(), guest=guest)
        samples.append(time.perf_counter() - start)
        assert result["status"] == "ok", result
    pool.close()
    return samples


def sandbox_exec(code: str) -> None:
    output = subprocess.run(
        [sys.executable, "manage.py", "sandbox_exec", "--json"], input=code, capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert json.loads(output)["status"] == "ok"


# ----------------------------------------------------------------------- through the API


def api_figures(broker: str, repeat: int) -> tuple[list[float], list[float], float, int]:
    scratch = Path(settings.DATA_DIR)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": broker,
        "SANDBOX_RUNS_PER_MINUTE": "100000",
        "SANDBOX_WARM_POOL_SIZE": "1",
        "SANDBOX_LIGHT_POOL_SIZE": "2",
        "DATABASE_URL": f"sqlite:///{scratch / 'api.sqlite3'}",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    bin_dir = Path(sys.executable).parent
    web = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=env
    )
    workers = subprocess.Popen(
        [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "worker",
            "--queues",
            "celery,sandbox",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_http()
        time.sleep(3)  # workers connect and warm their sandboxes
        trivial = [_api_run("print(1)") for _ in range(repeat)]
        plots = []
        for _ in range(max(3, repeat // 4)):
            time.sleep(1.5)  # let the pool refill, as between a learner's runs
            plots.append(_api_run(PLOT))
        start = time.perf_counter()
        ids = [_post("print(1)") for _ in range(100)]
        failures = sum(_wait(run_id) != "ok" for run_id in ids)
        rate = len(ids) / (time.perf_counter() - start)
    finally:
        web.terminate()
        workers.terminate()
        web.wait()
        workers.wait()
    return trivial, plots, rate, failures


def _wait_for_http() -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/tracks/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not start")


SESSION = {"cookie": ""}  # one anonymous learner: the session cookie the first run set


def _post(code: str) -> int:
    headers = {"Content-Type": "application/json", "Cookie": SESSION["cookie"]}
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/runs/", data=json.dumps({"code": code}).encode(), headers=headers)
    response = urllib.request.urlopen(request, timeout=10)
    if response.headers.get("Set-Cookie"):
        SESSION["cookie"] = response.headers["Set-Cookie"].split(";")[0]
    return json.loads(response.read())["id"]


def _wait(run_id: int) -> str:
    while True:
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/runs/{run_id}/", headers={"Cookie": SESSION["cookie"]})
        status = json.loads(urllib.request.urlopen(request, timeout=10).read())["status"]
        if status not in ("queued", "running"):
            return status
        time.sleep(0.02)


def _api_run(code: str) -> float:
    start = time.perf_counter()
    status = _wait(_post(code))
    assert status == "ok", status
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--broker", default="redis://127.0.0.1:6379/12", help="the broker for the API figures (default Redis; filesystem:// works too)"
    )
    parser.add_argument("--local-only", action="store_true", help="time the sandbox only: no sandbox_exec, no web server, workers or broker")
    arguments = parser.parse_args()
    repeat = arguments.repeat

    floor_pass = timed(lambda: bare("pass"), repeat)
    floor_import = timed(lambda: bare("import pandas, matplotlib"), max(5, repeat // 4))
    cold_trivial = timed(lambda: sandboxed("pass"), repeat)
    pooled_trivial = pooled_runs("pass", repeat, warm=False)
    warm_plot = pooled_runs(PLOT, max(5, repeat // 4), warm=True)
    cold_plot = timed(lambda: sandboxed(PLOT), max(5, repeat // 4))
    if not arguments.local_only:
        cli = timed(lambda: sandbox_exec("print(1)"), max(5, repeat // 2))
        api_trivial, api_plot, rate, failures = api_figures(arguments.broker, repeat)

    overhead = statistics.median(cold_trivial) - statistics.median(floor_pass)
    pooled_overhead = statistics.median(pooled_trivial) - statistics.median(floor_pass)
    print(f"machine: {os.cpu_count()} cores; sandbox Python {settings.SANDBOX_PYTHON}")
    print(f"{'bare python -c pass':46}{describe(floor_pass)}")
    print(f"{'bare python -c import pandas, matplotlib':46}{describe(floor_import)}")
    print(f"{'sandbox, cold, trivial code':46}{describe(cold_trivial)}")
    print(f"{'sandbox, from the light pool, trivial code':46}{describe(pooled_trivial)}")
    print(f"{'sandbox, cold, pandas + matplotlib plot':46}{describe(cold_plot)}")
    print(f"{'sandbox, warm pool, pandas + matplotlib plot':46}{describe(warm_plot)}")
    if not arguments.local_only:
        print(f"{'manage.py sandbox_exec --json, trivial':46}{describe(cli)}")
        print(f"{'API + Celery (' + arguments.broker.split(':')[0] + '), trivial, one at a time':46}{describe(api_trivial)}")
        print(f"{'API + Celery, pandas + matplotlib plot':46}{describe(api_plot)}")
        print(f"{'API + Celery, 100 trivial runs, 2 workers':46}{rate:8.1f} runs/s   ({failures} not ok)")
    print("verdicts:")
    print(
        f"  isolation adds {overhead * 1000:.1f} ms to a trivial run in a cold sandbox over the bare floor (target < 30 ms): {'OK' if overhead < 0.030 else 'MISSED'}"
    )
    print(f"  from the light pool (how workers run it) the difference is {pooled_overhead * 1000:+.1f} ms")
    warm, bare_import = statistics.median(warm_plot), statistics.median(floor_import)
    print(
        f"  warm-pool plot {warm * 1000:.0f} ms vs bare import {bare_import * 1000:.0f} ms (target: faster): {'OK' if warm < bare_import else 'MISSED'}"
    )
    if not arguments.local_only:
        print(f"  {rate:.1f} trivial runs per second with 2 workers (target >= 20): {'OK' if rate >= 20 else 'MISSED'}")


if __name__ == "__main__":
    main()
