"""Starting a sandbox fails cleanly: a message the learner can act on, and nothing left on the host."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sandbox_runner.isolation import DataFile, Guest, Limits, SandboxUnavailable, _guest_copy_dir, _runtime, execute

QUICK = Limits(wall_seconds=5, cpu_seconds=5, memory_mb=256, processes=32, output_kb=64, disk_mb=20)


@pytest.fixture
def temp_parent(monkeypatch):
    """Give sandboxes a temporary folder of their own (readable by their throwaway uids), to see what they leave there.

    The worker's copy of the guest package, made once per process, is made before.
    """
    _guest_copy_dir()
    folder = Path(tempfile.mkdtemp(prefix="lessonbox-test-parent-"))
    os.chmod(folder, 0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tiny_disk(temp_parent):
    """Return a mounter of a small tmpfs as the sandboxes' temporary folder: a disk that fills up."""
    mounted = []

    def mount(size_kb: int, inodes: int = 1000) -> Path:
        options = f"size={size_kb}k,nr_inodes={inodes},mode=0755"
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(temp_parent)], capture_output=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")
        mounted.append(temp_parent)
        return temp_parent

    yield mount
    for path in mounted:
        subprocess.run(["umount", str(path)], check=True)


@pytest.fixture
def no_runtime_cache():
    _runtime.cache_clear()
    yield
    _runtime.cache_clear()


def learner_actionable(error: SandboxUnavailable) -> bool:
    return "could not start" in str(error) and "Run it again" in str(error)


def test_a_missing_runtime_fails_the_start_and_leaves_nothing(settings, temp_parent, no_runtime_cache):
    settings.SANDBOX_PYTHON = str(temp_parent.parent / "no-such-runtime" / "bin" / "python")

    with pytest.raises(SandboxUnavailable) as raised:
        execute(code="print(1)", limits=QUICK)

    assert learner_actionable(raised.value)
    assert "runtime" in str(raised.value)
    assert list(temp_parent.iterdir()) == []


def test_a_runtime_that_cannot_run_fails_the_start_and_leaves_nothing(tmp_path, settings, temp_parent, no_runtime_cache):
    broken = tmp_path / "runtime" / "bin" / "python"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    settings.SANDBOX_PYTHON = str(broken)

    with pytest.raises(SandboxUnavailable) as raised:
        Guest(warm=False, limits=QUICK)

    assert learner_actionable(raised.value)
    assert list(temp_parent.iterdir()) == []


def test_an_unstartable_bubblewrap_fails_the_start_and_leaves_nothing(tmp_path, temp_parent, monkeypatch):
    fake = tmp_path / "bin" / "bwrap"
    fake.parent.mkdir()
    fake.write_bytes(b"\x00not a program")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")

    with pytest.raises(SandboxUnavailable) as raised:
        execute(code="print(1)", limits=QUICK)

    assert learner_actionable(raised.value)
    assert "exec format error" in str(raised.value) or "permission denied" in str(raised.value)  # as root: a throwaway uid runs it
    assert list(temp_parent.iterdir()) == []


def test_a_full_disk_for_the_sandboxs_folders_fails_the_start_and_leaves_nothing(tiny_disk):
    disk = tiny_disk(16, inodes=1)  # the disk's own folder takes the only inode

    with pytest.raises(SandboxUnavailable) as raised:
        execute(code="print(1)", limits=QUICK)

    assert learner_actionable(raised.value)
    assert "no space left on device" in str(raised.value)
    assert list(disk.iterdir()) == []


def test_a_full_disk_for_the_data_files_fails_the_run_and_leaves_nothing(tiny_disk):
    disk = tiny_disk(1024)

    with pytest.raises(SandboxUnavailable) as raised:
        execute(code="print(1)", limits=QUICK, data=[DataFile("data/big.csv", b"x" * 2 * 1024 * 1024)])

    assert learner_actionable(raised.value)
    assert "data files" in str(raised.value)
    assert list(disk.iterdir()) == []


def test_the_guest_package_is_copied_once_per_process_and_readable_by_sandboxes():
    folder = _guest_copy_dir()

    assert _guest_copy_dir() == folder
    assert folder.name.startswith(f"lessonbox-guest-{os.getpid()}-")
    assert {path.name for path in (folder / "lessonbox_guest").iterdir()} >= {"runner.py", "supervisor.py", "__pycache__"}
    assert all(path.stat().st_mode & 0o005 for path in folder.rglob("*"))


def test_a_sandbox_that_started_and_ran_leaves_nothing(temp_parent):
    result = execute(code="open('out.txt', 'w').write('x')\nprint(2)", limits=QUICK, data=[DataFile("data/a.csv", b"a\n")])

    assert (result["status"], result["stdout"]) == ("ok", "2\n")
    assert list(temp_parent.iterdir()) == []


@pytest.mark.django_db
def test_a_run_whose_sandbox_cannot_start_ends_failed_at_once_with_the_message(settings, temp_parent, no_runtime_cache, monkeypatch):
    from sandbox_runner import pool
    from sandbox_runner.models import Run
    from sandbox_runner.services import run_in_sandbox

    monkeypatch.setattr(pool, "_pool", pool.WarmPool(size=0, light_size=0))  # no spawner racing this test for the folder
    settings.SANDBOX_PYTHON = str(temp_parent.parent / "no-such-runtime" / "bin" / "python")
    run = Run.objects.create(code="print(1)", status=Run.Status.RUNNING)

    run_in_sandbox(run_id=run.id)

    run.refresh_from_db()
    assert run.status == Run.Status.ERROR
    assert run.error_message.startswith("The sandbox could not start on this server")
    assert list(temp_parent.iterdir()) == []
