from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from sandbox_runner.isolation import Limits, _guest_copy_dir, _runtime, execute
from sandbox_runner.pool import WarmPool


def wait_until_ready(pool: WarmPool, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not pool._ready:
        assert time.monotonic() < deadline, "the pool never filled"
        time.sleep(0.02)


def test_pooled_sandboxes_stay_alive_until_used_and_serve_one_run_each():
    pool = WarmPool(size=1, light_size=1)
    pool.fill()
    wait_until_ready(pool)
    while len(pool._ready) < 2:
        time.sleep(0.02)
    time.sleep(0.5)  # long after the thread that started them did other work

    light = pool.take(limits=Limits.for_exercise(), code="print(1)", check_source="")
    warm = pool.take(limits=Limits.for_exercise(), code="import pandas as pd\nprint(pd.__name__)", check_source="")

    assert (light.warm, warm.warm) == (False, True)
    assert light.process.poll() is None
    assert execute(code="print(1)", limits=Limits.for_exercise(), guest=light)["stdout"] == "1\n"
    assert execute(code="import pandas as pd\nprint(pd.__name__)", limits=Limits.for_exercise(), guest=warm)["stdout"] == "pandas\n"
    assert light.process.poll() is not None  # used once, then gone
    pool.close()


def test_a_sandbox_with_other_disk_limits_is_started_fresh():
    pool = WarmPool(size=0, light_size=1)
    pool.fill()
    wait_until_ready(pool)

    guest = pool.take(limits=Limits(disk_mb=7), code="pass", check_source="")

    assert guest.limits.disk_mb == 7
    assert len(pool._ready) == 1
    guest.close()
    pool.close()


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("fault", ["missing runtime", "unstartable binary", "full disk"])
def test_the_pool_survives_failed_starts_and_refills_once_the_fault_is_gone(fault, tmp_path, settings, monkeypatch, caplog):
    _guest_copy_dir()  # the worker's copy of the guest package, made once per process
    temp_parent = Path(tempfile.mkdtemp(prefix="lessonbox-test-parent-"))
    os.chmod(temp_parent, 0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(temp_parent))
    healthy_python = settings.SANDBOX_PYTHON
    if fault == "missing runtime":
        settings.SANDBOX_PYTHON = str(tmp_path / "no-such-runtime" / "bin" / "python")
    elif fault == "unstartable binary":
        fake = tmp_path / "bin" / "bwrap"
        fake.parent.mkdir()
        fake.write_bytes(b"\x00not a program")
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    else:
        if subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16k,nr_inodes=1,mode=0755", "tmpfs", str(temp_parent)], capture_output=True
        ).returncode:
            pytest.skip("cannot mount a small tmpfs here")
    _runtime.cache_clear()
    pool = WarmPool(size=0, light_size=1)
    try:
        pool.fill()
        wait_for(lambda: pool.failures >= 2)

        assert pool.is_spawning()
        assert not pool._ready
        assert "a pooled sandbox failed to start" in caplog.text
        assert list(temp_parent.iterdir()) == []

        if fault == "missing runtime":
            settings.SANDBOX_PYTHON = healthy_python
            _runtime.cache_clear()
        elif fault == "unstartable binary":
            monkeypatch.undo()
            monkeypatch.setattr(tempfile, "tempdir", str(temp_parent))
        else:
            subprocess.run(["umount", str(temp_parent)], check=True)
        wait_for(lambda: len(pool._ready) == 1)

        guest = pool.take(limits=Limits.for_exercise(), code="print(3)", check_source="")
        assert execute(code="print(3)", limits=Limits.for_exercise(), guest=guest)["stdout"] == "3\n"
        assert pool.failures == 0
        assert pool.is_spawning()
    finally:
        pool.close()
        subprocess.run(["umount", str(temp_parent)], capture_output=True)
        shutil.rmtree(temp_parent, ignore_errors=True)
    assert not temp_parent.exists()


def test_a_closed_pool_stops_its_spawner():
    pool = WarmPool(size=0, light_size=1)
    pool.fill()
    wait_until_ready(pool)

    pool.close()

    wait_for(lambda: not pool.is_spawning(), seconds=10)
    assert pool._ready == []


def test_a_pooled_sandbox_that_died_is_replaced_and_its_folders_removed():
    pool = WarmPool(size=0, light_size=1)
    pool.fill()
    wait_until_ready(pool)
    (dead,) = pool._ready
    os.killpg(dead.process.pid, signal.SIGKILL)
    dead.process.wait()

    pool.fill()

    assert not dead.data_dir.exists()
    wait_until_ready(pool)
    assert pool._ready[0] is not dead
    pool.close()
