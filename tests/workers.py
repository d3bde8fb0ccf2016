"""Real Celery worker processes for tests, on the embedded file broker, Redis or RabbitMQ."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from config.celery import app as celery_app
from tests.services import require_service

ROOT = Path(__file__).resolve().parents[1]
BROKERS = {
    "file": "filesystem://localhost/",
    "redis": "redis://127.0.0.1:6379/13",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}


def test_database_url() -> str:
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


class Worker:
    def __init__(self, broker_url: str) -> None:
        self.broker_url = broker_url
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "DATA_DIR": str(settings.DATA_DIR),
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "SANDBOX_WARM_POOL_SIZE": "1",
        }
        self.log_path = Path(settings.DATA_DIR) / f"worker-{time.monotonic_ns()}.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--queues",
                "celery,sandbox",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.log.close()

    def log_tail(self, lines: int = 40) -> str:
        """The end of what the worker printed: what a failing test shows of the worker's side."""
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def pool_child_pids(self) -> list[int]:
        output = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in output.split()]


@pytest.fixture(params=list(BROKERS))
def worker(request, transactional_db):
    """Start a real worker on each broker in turn, and point this process's Celery app at it too."""
    yield from _running_worker(request.param)


@pytest.fixture
def file_broker_worker(transactional_db):
    """Start a real worker on the embedded file broker (what bin/serve runs)."""
    yield from _running_worker("file")


def _running_worker(broker: str):
    url = BROKERS[broker]
    if broker != "file":
        require_service(broker.title(), url)
    previous = celery_app.conf.broker_url
    use_broker(url)
    running = Worker(url)
    running.start()
    time.sleep(2.5)  # the worker connects and starts its warm sandbox
    yield running
    running.stop()
    use_broker(previous)


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, dropping connections to the old one."""
    celery_app.conf.broker_url = url
    pools.reset()  # kombu keeps producer pools per connection, process-wide
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
