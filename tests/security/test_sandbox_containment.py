"""Hostile code against the sandbox. Each test names the guarantee it checks.

Every snippet runs through the real bubblewrap backend, as a learner's run would, and
must come back contained: a clear status (ok, error, timeout, killed or limit), a
message, and a host that is untouched and ready for the next run.
"""

from __future__ import annotations

import base64
import ctypes
import os
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from sandbox_runner.isolation import SANDBOX_UIDS, DataFile, Limits, _process_tree, execute

QUICK = Limits(wall_seconds=3, cpu_seconds=2, memory_mb=256, processes=32, output_kb=64, disk_mb=20)
HOST_SECRET = "host-secret-" + "7f3a9c"


def sandboxed(code: str, *, limits: Limits = QUICK, data: list[DataFile] | None = None, check_source: str = "") -> dict:
    return execute(code=textwrap.dedent(code), limits=limits, data=data, check_source=check_source)


def assert_healthy() -> None:
    """The next learner's run works normally, and nothing of the last one is left on the host."""
    result = sandboxed("print(sum(range(10)))")
    assert (result["status"], result["stdout"]) == ("ok", "45\n")
    assert sandbox_processes_on_host() == []


def sandbox_processes_on_host() -> list[str]:
    """Return live sandbox processes that are this test's descendants or orphans (after giving exiting ones a moment).

    Other Lessonbox workers on the machine may keep pooled sandboxes: those are neither.
    An orphan (parent 1) would be a process that escaped its sandbox's pid namespace.
    """
    for _ in range(40):
        found = []
        orphans = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _parent(entry) == 1]
        for pid in _process_tree(os.getpid())[1:] + orphans:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                uid = int(status.split("\nUid:")[1].split()[0])
            except (OSError, IndexError):
                continue
            if uid in SANDBOX_UIDS and "\nState:\tZ" not in status:
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() or status.split("\n")[0])
        if not found:
            return []
        time.sleep(0.05)
    return found


def _parent(entry: Path) -> int:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


# --- the network -----------------------------------------------------------------------


@pytest.mark.parametrize("address", [("1.1.1.1", 80), ("127.0.0.1", 6379), ("127.0.0.1", 5432), ("127.0.0.1", 8000)])
def test_no_network_out_or_to_this_machines_services(address):
    """Guarantee: no IP socket at all, so no internet and no Redis, PostgreSQL or web app on loopback."""
    result = sandboxed(f"import socket\nsocket.create_connection({address!r}, timeout=2)")

    assert result["status"] == "error"
    assert "PermissionError" in result["traceback"]
    assert_healthy()


def test_no_unix_socket_to_the_hosts_database():
    """Guarantee: the host's sockets (PostgreSQL's in /var/run) are not in the sandbox's filesystem."""
    result = sandboxed("import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('/var/run/postgresql/.s.PGSQL.5432')")

    assert result["status"] == "error"
    assert "FileNotFoundError" in result["traceback"]


# --- host secrets ----------------------------------------------------------------------


def test_the_hosts_environment_never_reaches_the_sandbox(monkeypatch):
    """Guarantee: no host environment variable (secret key, database URL) is visible, even to bubblewrap's pid 1."""
    monkeypatch.setenv("SECRET_KEY", HOST_SECRET)
    monkeypatch.setenv("DATABASE_URL", f"postgres://user:{HOST_SECRET}@db/x")
    result = sandboxed("""
        import os
        print(dict(os.environ))
        for pid in os.listdir('/proc'):
            if pid.isdigit():
                try:
                    print(open(f'/proc/{pid}/environ', 'rb').read())
                except OSError as error:
                    print(pid, type(error).__name__)
    """)

    assert result["status"] == "ok"
    assert HOST_SECRET not in result["stdout"]
    assert "DATABASE_URL" not in result["stdout"]


@pytest.mark.parametrize(
    "path",
    [
        "/etc/shadow",
        "/etc/passwd",
        "/root/.bashrc",
        str(settings.BASE_DIR / "config" / "settings.py"),
        str(settings.DATA_DIR),
        "/var/lib/postgresql",
        "/proc/1/root/etc/shadow",
    ],
)
def test_host_files_are_not_readable(path):
    """Guarantee: the host's files (password database, home, the app's source and database) do not exist inside."""
    result = sandboxed(f"print(open({path!r}).read()[:100])")

    assert result["status"] == "error"
    assert any(name in result["traceback"] for name in ("FileNotFoundError", "PermissionError", "IsADirectoryError", "NotADirectoryError"))


def test_the_whole_visible_filesystem_holds_no_project_file():
    """Guarantee: walking every folder the sandbox can see finds no database, settings or source of the app."""
    result = sandboxed("""
        import os
        hits = []
        for folder, dirs, files in os.walk('/'):
            if folder.startswith(('/proc', '/sys', '/usr', '/opt/lessonbox-python')):
                dirs[:] = []
                continue
            hits += [os.path.join(folder, name) for name in files if name.endswith(('.sqlite3', 'settings.py', 'manage.py', '.env'))]
        print(hits)
    """)

    assert result["stdout"] == "[]\n"


def test_only_the_sandboxs_own_processes_are_visible():
    """Guarantee: a new pid namespace: no host process (worker, database) can be seen, signalled or traced."""
    result = sandboxed("import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))")

    assert len(eval(result["stdout"])) <= 4  # bubblewrap, the supervisor, the learner's process (and maybe ps itself)


# --- writing ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/usr/evil", "/opt/lessonbox-python/evil", "/work/data/evil", "/etc/evil"])
def test_nothing_outside_the_work_directory_is_writable(path):
    """Guarantee: the runtime, the data files and the rest are read-only; only /work and /tmp take writes."""
    result = sandboxed(f"open({path!r}, 'w').write('x')")

    assert result["status"] == "error"
    assert "OSError" in result["traceback"] or "Error" in result["traceback"]
    assert not Path(path).exists()


def test_data_files_are_read_only_even_after_chmod():
    """Guarantee: an exercise's data cannot be changed by the code that reads it."""
    result = sandboxed("import os\nos.chmod('data/x.csv', 0o666)", data=[DataFile("data/x.csv", b"a\n1\n")])

    assert result["status"] == "error"


def test_a_file_size_bomb_is_stopped():
    """Guarantee: a file larger than the disk limit is refused (RLIMIT_FSIZE)."""
    result = sandboxed(
        "open('big', 'wb').write(b'x' * 200 * 1024 * 1024)",
        limits=Limits(wall_seconds=5, cpu_seconds=5, memory_mb=512, processes=32, output_kb=64, disk_mb=20),
    )

    assert result["status"] == "limit"
    assert "20 MB" in result["error"]
    assert_healthy()


def test_a_disk_bomb_of_many_files_is_stopped():
    """Guarantee: the work directory is a size-capped tmpfs: filling it fails with no space left."""
    result = sandboxed("for n in range(100000):\n    open(f'f{n}', 'wb').write(b'x' * 1024 * 1024)")

    assert result["status"] == "limit"
    assert_healthy()


# --- processes, threads, memory, time --------------------------------------------------


def test_a_fork_bomb_is_contained():
    """Guarantee: the process limit stops a fork bomb; the run ends and the host is untouched."""
    result = sandboxed("""
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """)

    assert result["status"] in ("timeout", "killed", "limit", "error")
    assert_healthy()


def test_a_thread_bomb_is_contained():
    """Guarantee: threads count against the process limit."""
    result = sandboxed("""
        import threading, time
        while True:
            threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    """)

    assert result["status"] in ("error", "timeout", "killed", "limit")
    assert_healthy()


@pytest.mark.parametrize("code", ["x = bytearray(8 * 1024 ** 3)", "chunks = []\nwhile True:\n    chunks.append(bytearray(10 * 1024 ** 2))"])
def test_a_memory_bomb_is_stopped(code):
    """Guarantee: memory beyond the limit is refused (address-space rlimit, then the cgroup)."""
    result = sandboxed(code)

    assert result["status"] in ("limit", "killed")
    assert_healthy()


def test_an_infinite_python_loop_times_out():
    """Guarantee: CPU time and the wall clock stop a busy loop."""
    result = sandboxed("while True:\n    pass")

    assert result["status"] == "timeout"
    assert "seconds" in result["error"]


def test_an_infinite_loop_in_c_code_times_out():
    """Guarantee: a loop that never returns to Python (catastrophic regex backtracking) is still stopped."""
    result = sandboxed("import re\nre.match(r'(a*)*b', 'a' * 64)")

    assert result["status"] == "timeout"
    assert_healthy()


def test_sleeping_past_the_clock_is_stopped():
    """Guarantee: the wall clock, not only CPU time: a sleeping run ends on time."""
    result = sandboxed("import time\ntime.sleep(60)")

    assert result["status"] == "timeout"
    assert result["duration_s"] < 10


def test_huge_output_is_cut_and_stopped():
    """Guarantee: output beyond the limit stops the run; what is kept stays under the limit."""
    result = sandboxed("while True:\n    print('x' * 10000)")

    assert result["status"] == "limit"
    assert len(result["stdout"]) <= 64 * 1024


# --- the kernel ------------------------------------------------------------------------


def syscall_number(name: str) -> int:
    """Return a system call's number on this machine's architecture (libseccomp knows them all)."""
    from sandbox_runner.seccomp import _library

    lib = _library()
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    return lib.seccomp_syscall_resolve_name(name.encode())


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("ptrace", "libc.ptrace(16, 1, 0, 0)"),  # PTRACE_ATTACH to pid 1
        ("unshare", "libc.unshare(0x10000000)"),  # a new user namespace
        ("mount", "libc.mount(b'none', b'/work', b'tmpfs', 0, None)"),
        ("keyctl", "libc.syscall({keyctl}, 0, 0, 0, 0)"),
        ("bpf", "libc.syscall({bpf}, 0, 0, 0)"),
        ("io_uring_setup", "libc.syscall({io_uring_setup}, 1, 0)"),
        ("perf_event_open", "libc.syscall({perf_event_open}, 0, 0, -1, -1, 0)"),
        ("raw socket", "libc.socket(17, 3, 0)"),  # AF_PACKET, SOCK_RAW
    ],
)
def test_raw_system_calls_through_ctypes_are_denied(name, call):
    """Guarantee: the seccomp filter answers EPERM to calls exercise code never needs."""
    numbers = {syscall: syscall_number(syscall) for syscall in ("keyctl", "bpf", "io_uring_setup", "perf_event_open")}
    result = sandboxed(
        f"import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nresult = {call.format(**numbers)}\nprint(result, ctypes.get_errno())"
    )

    assert result["status"] == "ok", result
    value, error_number = result["stdout"].split()
    assert value == "-1", name
    assert int(error_number) in (1, 38), name  # EPERM, or ENOSYS


def test_the_supervisor_cannot_be_read_or_traced():
    """Guarantee: the process that will run the checks is out of reach (non-dumpable, no ptrace)."""
    result = sandboxed("""
        import os
        parent = os.getppid()
        for name in ('mem', 'environ', 'fd'):
            try:
                print(name, os.listdir(f'/proc/{parent}/{name}') if name == 'fd' else open(f'/proc/{parent}/{name}', 'rb').read(10))
            except OSError as error:
                print(name, type(error).__name__)
    """)

    assert result["stdout"].splitlines() == ["mem PermissionError", "environ PermissionError", "fd PermissionError"]


# --- runs leave nothing behind and cannot see each other --------------------------------


def test_a_run_leaves_no_file_or_process_for_the_next():
    """Guarantee: nothing persists between runs: files, /tmp, background processes are gone."""
    first = sandboxed("""
        import os, subprocess
        open('/work/marker', 'w').write('1')
        open('/tmp/marker', 'w').write('1')
        if os.fork() == 0:
            os.setsid()
            import time
            time.sleep(300)
        print('left behind')
    """)
    second = sandboxed(
        "import os\nprint(os.path.exists('/work/marker'), os.path.exists('/tmp/marker'), len([p for p in os.listdir('/proc') if p.isdigit()]))"
    )

    assert first["stdout"] == "left behind\n"
    assert second["stdout"].startswith("False False")
    assert sandbox_processes_on_host() == []


def test_concurrent_runs_cannot_see_each_others_files():
    """Guarantee: every run has its own filesystem and process namespace."""
    results = {}

    def writer():
        results["writer"] = sandboxed(
            "import time\nopen('/work/secret-of-run-a', 'w').write('a')\nopen('/tmp/secret-of-run-a', 'w').write('a')\ntime.sleep(2)"
        )

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.5)
    reader = sandboxed("""
        import os
        found = []
        for folder, dirs, files in os.walk('/'):
            if folder.startswith(('/sys', '/usr', '/opt/lessonbox-python')):
                dirs[:] = []
                continue
            found += [name for name in files if name.startswith('secret-of-run')]
        print(found)
    """)
    thread.join()

    assert reader["stdout"] == "[]\n"
    assert results["writer"]["status"] == "ok"


# --- the verdict -----------------------------------------------------------------------

CHECKS = """
def check_answer(learner):
    '''The answer is 42.'''
    assert learner.variables.get('answer') == 42, 'Set answer to 42.'
"""


def test_printing_pass_or_patching_builtins_does_not_fool_the_checks():
    """Guarantee: the verdict comes from checks run outside the learner's process."""
    result = sandboxed(
        """
        import builtins
        print('PASS  The answer is 42.')
        builtins.AssertionError = ValueError
        builtins.isinstance = lambda *a: True
        def check_answer(learner):
            pass
        answer = 41
        """,
        check_source=CHECKS,
    )

    assert result["checks"] == [{"name": "check_answer", "title": "The answer is 42.", "passed": False, "message": "Set answer to 42."}]


def test_the_check_source_never_reaches_the_learner():
    """Guarantee: the checks are fetched only after the learner's process is gone."""
    result = sandboxed(
        """
        import gc, os
        found = [o for o in gc.get_objects() if isinstance(o, str) and 'Set answer to 42' in o]
        print(found, [f for f in os.listdir('/work')])
        answer = 42
        """,
        check_source=CHECKS,
    )

    assert result["stdout"] == "[] ['data']\n"
    assert result["checks"][0]["passed"] is True


def test_the_learners_process_is_inside_the_runs_cgroups():
    """Guarantee: where the host has cgroup v1 memory and pids controllers, the code runs under them."""
    from sandbox_runner.isolation import Cgroup

    if not all((root / "cgroup.procs").exists() for root in Cgroup.ROOTS.values()) or os.geteuid() != 0:
        pytest.skip("no cgroup v1 memory and pids controllers that this user may manage")
    result = sandboxed("print(open('/proc/self/cgroup').read())")

    lines = {line.split(":")[1]: line.split(":")[2] for line in result["stdout"].splitlines() if line.count(":") == 2}
    assert "/lessonbox/run-" in lines["memory"]
    assert lines["pids"].startswith("/lessonbox/run-")


# --- whatever the code leaves behind, the learner gets a result ------------------------


def test_many_large_files_within_the_disk_allowance_come_back_within_the_runs_cap():
    """Guarantee: ten 5 MB files (the whole disk allowance) keep the output and the status; files beyond the cap are listed, not kept."""
    result = sandboxed(
        """
        for n in range(10):
            open(f'part-{n}.bin', 'wb').write(bytes([n]) * 5 * 1024 * 1024)
        print('written')
        """,
        limits=Limits(wall_seconds=10, cpu_seconds=5, memory_mb=256, processes=32, output_kb=64, disk_mb=50),
    )

    assert (result["status"], result["stdout"]) == ("ok", "written\n")
    assert [entry["name"] for entry in result["files"]] == [f"part-{n}.bin" for n in range(10)]
    kept = [entry for entry in result["files"] if "content" in entry]
    assert sum(entry["size"] for entry in kept) <= settings.SANDBOX_KEEP_RUN_MB * 1024 * 1024
    assert len(kept) == settings.SANDBOX_KEEP_RUN_MB // 5
    assert base64.b64decode(kept[0]["content"]) == bytes([0]) * 5 * 1024 * 1024
    assert all(entry["not_kept"] and "content" not in entry and entry["size"] == 5 * 1024 * 1024 for entry in result["files"] if entry not in kept)
    assert_healthy()


def test_a_thousand_level_folder_tree_is_collected_without_crashing():
    """Guarantee: a deeply nested tree in the work folder leaves the output, the status and the file at its bottom intact."""
    result = sandboxed("""
        import os
        for _ in range(1000):
            os.mkdir('d')
            os.chdir('d')
        open('leaf.txt', 'w').write('deep')
        print('built')
    """)

    assert (result["status"], result["stdout"]) == ("ok", "built\n")
    (leaf,) = result["files"]
    assert leaf["name"] == "d/" * 1000 + "leaf.txt"
    assert base64.b64decode(leaf["content"]) == b"deep"
    assert_healthy()


def test_symlinks_and_fifos_in_the_work_folder_are_never_followed_or_opened():
    """Guarantee: the collection of written files looks at links and special files without following or opening them."""
    result = sandboxed("""
        import os
        os.symlink('/etc/fonts', 'fonts')
        os.symlink('/proc/1/environ', 'environ')
        os.mkfifo('pipe')
        open('real.txt', 'w').write('kept')
    """)

    assert result["status"] == "ok"
    assert [(entry["name"], base64.b64decode(entry["content"])) for entry in result["files"]] == [("real.txt", b"kept")]


def cgroups_here() -> bool:
    from sandbox_runner.isolation import Cgroup

    return all((root / "cgroup.procs").exists() for root in Cgroup.ROOTS.values()) and os.geteuid() == 0


@pytest.mark.parametrize(
    "code",
    [
        # two interpreters of 300 MB each under a 512 MB limit
        """
        import subprocess, sys
        child = "x = bytearray(300 * 1024 * 1024)\\nimport time\\ntime.sleep(1)"
        children = [subprocess.Popen([sys.executable, '-c', child]) for _ in range(2)]
        print('exit statuses', [child.wait() for child in children])
        """,
        # two forked processes of 300 MB each
        """
        import os, time
        children = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                x = bytearray(300 * 1024 * 1024)
                time.sleep(1)
                os._exit(0)
            children.append(pid)
        print('exit statuses', [os.waitpid(pid, 0)[1] for pid in children])
        """,
    ],
    ids=["subprocesses", "forks"],
)
def test_memory_is_limited_for_the_whole_run_not_per_process(code):
    """Guarantee: all the run's processes together are held to its memory limit, and the status says so."""
    if not cgroups_here():
        pytest.skip("no cgroup v1 memory and pids controllers that this user may manage: memory is limited per process only")
    result = sandboxed(code, limits=Limits(wall_seconds=10, cpu_seconds=5, memory_mb=512, processes=32, output_kb=64, disk_mb=20))

    assert result["status"] == "limit"
    assert "512 MB of memory" in result["error"]
    assert result["stdout"].startswith("exit statuses")  # the run's own process survived and its output is kept
    assert_healthy()


def test_files_in_memory_backed_folders_count_toward_the_runs_memory():
    """Guarantee: files the code writes live in memory and count to its limit, and the supervisor can still collect the result."""
    if not cgroups_here():
        pytest.skip("no cgroup v1 memory and pids controllers that this user may manage")
    result = sandboxed(
        """
        print('writing', flush=True)
        for n in range(250):
            with open(f'block-{n:03}', 'wb') as block:
                block.write(b'x' * 1024 * 1024)
        """,
        limits=Limits(wall_seconds=10, cpu_seconds=5, memory_mb=96, processes=32, output_kb=64, disk_mb=300),
    )

    assert result["status"] == "limit"
    assert "96 MB of memory" in result["error"]
    assert result["stdout"] == "writing\n"
    assert 20 < len(result["files"]) <= 101
    assert_healthy()


def test_files_in_dev_shm_are_held_to_a_capped_tmpfs():
    """Guarantee: /dev/shm is no way around the disk allowance: it is a small tmpfs of its own, and the status names the limit."""
    result = sandboxed("""
        import os
        print('filling', flush=True)
        for n in range(480):
            with open(f'/dev/shm/block-{n}', 'wb') as block:
                block.write(b'x' * 1024 * 1024)
    """)

    assert result["status"] == "limit"
    assert "disk limit" in result["error"]
    assert result["stdout"] == "filling\n"
    assert_healthy()


def test_shared_memory_still_works_within_its_cap():
    """Guarantee: multiprocessing's shared memory (in /dev/shm) works for ordinary sizes."""
    result = sandboxed("""
        from multiprocessing import shared_memory
        block = shared_memory.SharedMemory(create=True, size=4 * 1024 * 1024)
        block.buf[:3] = b'abc'
        print(bytes(block.buf[:3]))
        block.close()
        block.unlink()
    """)

    assert (result["status"], result["stdout"]) == ("ok", "b'abc'\n")


# --- code behaves as in `python script.py` ---------------------------------------------


def test_the_code_runs_as_the_main_module():
    """Guarantee: `if __name__ == "__main__":` runs, and functions and classes the code defines can be pickled."""
    result = sandboxed("""
        import pickle

        class Point:
            def __init__(self, x):
                self.x = x

        def double(value):
            return 2 * value

        if __name__ == "__main__":
            print(pickle.loads(pickle.dumps(Point(3))).x, pickle.loads(pickle.dumps(double))(4))
    """)

    assert (result["status"], result["stdout"]) == ("ok", "3 8\n")


def test_a_multiprocessing_pool_maps_a_function_the_code_defines():
    """Guarantee: multiprocessing.Pool().map with a local function works, within the process limit."""
    result = sandboxed("""
        from multiprocessing import Pool

        def square(value):
            return value * value

        if __name__ == "__main__":
            with Pool(4) as pool:
                print(pool.map(square, range(6)))
    """)

    assert (result["status"], result["stdout"]) == ("ok", "[0, 1, 4, 9, 16, 25]\n")
    assert_healthy()


def test_a_pool_left_open_does_not_hold_the_run_until_its_clock_runs_out():
    """Guarantee: as at interpreter exit, a Pool the code never closed is ended, and the run finishes at once."""
    result = sandboxed("""
        from multiprocessing import Pool

        def square(value):
            return value * value

        pool = Pool(2)
        print(pool.map(square, [1, 2, 3]))
    """)

    assert (result["status"], result["stdout"]) == ("ok", "[1, 4, 9]\n")
    assert result["duration_s"] < 2


def test_a_pool_larger_than_the_process_limit_fails_with_the_limit_named():
    """Guarantee: multiprocessing is held to the sandbox's process limit, and the status says which limit."""
    result = sandboxed("""
        from multiprocessing import Pool

        def square(value):
            return value * value

        with Pool(200) as pool:
            print(pool.map(square, range(3)))
    """)

    assert result["status"] == "limit"
    assert "32 processes" in result["error"]
    assert_healthy()
