"""What bin/serve starts says only what matters: no false warnings, no banner, no stray state."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "STATIC_ROOT"}}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
        "SANDBOX_WARM_POOL_SIZE": "0",
        "SANDBOX_LIGHT_POOL_SIZE": "0",
        **extra,
    }


@pytest.mark.slow
def test_worker_starts_quietly_and_keeps_broker_state_in_the_data_folder(tmp_path):
    data_dir, elsewhere = tmp_path / "data", tmp_path / "cwd"
    elsewhere.mkdir()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "--quiet",
            "worker",
            "--beat",
            "--queues",
            "celery,sandbox",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
        ],
        cwd=elsewhere,
        env=embedded_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        exchanges = data_dir / "broker" / "control" / "sandbox.exchange"
        deadline = time.monotonic() + 30
        while not exchanges.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert exchanges.exists(), "the worker never declared its queues"
        time.sleep(1)  # anything it prints once ready
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode()

    assert not (elsewhere / "control").exists()
    assert "SecurityWarning" not in output
    assert "No hostname was supplied" not in output
    assert "[queues]" not in output  # the banner
    assert "Traceback" not in output


@pytest.mark.slow
def test_web_application_loads_without_warnings_once_static_files_are_collected(tmp_path):
    # DEBUG off, as bin/serve runs it (with DEBUG on, WhiteNoise looks for files per request).
    env = embedded_env(tmp_path / "data", STATIC_ROOT=str(tmp_path / "static"), DEBUG="false", SECRET_KEY="k", ALLOWED_HOSTS="localhost")
    load = [sys.executable, "-W", "error", "-c", "from config.wsgi import application"]

    before = subprocess.run(load, cwd=ROOT, env=env, capture_output=True, text=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    after = subprocess.run(load, cwd=ROOT, env=env, capture_output=True, text=True)

    assert "No directory at" in before.stderr  # the warning bin/serve avoids by collecting first
    assert after.returncode == 0, after.stderr
