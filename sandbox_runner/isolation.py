"""Isolation backends: start the guest runner in a sandbox, give it one run, collect the result.

The bubblewrap backend is the untrusted-code boundary. Each sandbox gets:
- new user, pid, network, IPC, UTS and cgroup namespaces (no network at all, not even
  to this machine's own services), and nested user namespaces disabled;
- a filesystem of read-only binds (the sandbox Python runtime and /usr), fresh size-capped
  tmpfs folders for /work, /tmp and /dev/shm, the run's data files read-only under
  /work/data, nothing else of the host (no /etc beyond fonts, no home, no project
  source, no database);
- an empty environment (nothing of the host's secrets, even in /proc/1/environ);
- a seccomp filter (sandbox_runner/seccomp.py), rlimits set by the guest, cgroup memory
  and pids limits for the run as a whole where the host allows (all its processes, and
  the files it keeps in its memory-backed folders), and a wall clock that kills the
  whole tree;
- when started by root, a throwaway unprivileged uid, so sandboxes cannot signal or
  share process limits with each other or with anything on the host.
The unisolated backend runs the same guest without any of that, for development only,
and only when SANDBOX_ALLOW_UNISOLATED is set.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import marshal
import os
import py_compile
import secrets
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from sandbox_runner.seccomp import SeccompUnavailable, compiled_filter

log = logging.getLogger(__name__)

GUEST_DIR = Path(__file__).resolve().parent / "guest"
GUEST_MOUNT = "/opt/lessonbox-guest"
GUEST_PACKAGE = "lessonbox_guest"  # the guest folder's name inside the sandbox
MPL_SEED_MOUNT = "/opt/lessonbox-mplconfig"
RUNTIME_MOUNT = "/opt/lessonbox-python"
HEAVY_MODULES = ("pandas", "numpy", "matplotlib", "scipy")
START_SECONDS = 20  # a cold start that imports pandas and matplotlib on a busy machine
CHECK_SECONDS = 20  # the exercise's checks, after the learner's code
SCRATCH_MB = 64  # /tmp and /dev/shm each, never more than the run's disk allowance
START_OVERHEAD_BYTES = 400 * 1024 * 1024  # memory for starting up (pandas and matplotlib), before the run's own limit applies
COLLECT_RESERVE_BYTES = 64 * 1024 * 1024  # the supervisor's own, beyond the code's limit: to collect and report whatever the code left
SANDBOX_UIDS = range(200_000, 260_000)
MB = 1024 * 1024


class SandboxUnavailable(RuntimeError):
    """No way to run code safely here now; the message says what to do (install, set, or try again)."""


START_FAILED = (
    "The sandbox could not start on this server, so the code did not run. Run it again in a moment; if this keeps happening, tell the site's staff"
)


@dataclass(frozen=True)
class Limits:
    wall_seconds: int = 10
    cpu_seconds: int = 10
    memory_mb: int = 512
    processes: int = 64
    output_kb: int = 1024
    disk_mb: int = 50

    @classmethod
    def for_exercise(cls, requested: dict | None = None) -> Limits:
        """Return the site's defaults, overridden by an exercise's limits but never above the site's caps."""
        defaults, caps = settings.SANDBOX_DEFAULT_LIMITS, settings.SANDBOX_MAX_LIMITS
        values = {name: min(int((requested or {}).get(name, defaults[name])), caps[name]) for name in asdict(cls())}
        return cls(**values)


@dataclass
class DataFile:
    name: str  # relative to /work, e.g. data/orders.csv
    content: bytes


def uses_heavy_modules(*sources: str) -> bool:
    """Say whether code imports pandas, numpy or matplotlib (so a warm interpreter pays off)."""
    import ast

    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] in HEAVY_MODULES for name in names):
                return True
    return False


# ------------------------------------------------------------------------------- framing


def _send(stream, message: dict) -> None:
    # marshal: the guest decodes it without importing anything (plain dicts and strings only).
    body = marshal.dumps(message)
    stream.write(struct.pack(">I", len(body)) + body)
    stream.flush()


class _Reader:
    """Read length-prefixed messages from a guest, with a deadline and a size cap."""

    def __init__(self, fd: int, *, max_bytes: int) -> None:
        self.fd = fd
        self.max_bytes = max_bytes
        self.buffer = b""

    def _fill(self, size: int, deadline: float) -> None:
        while len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    raise EOFError
                self.buffer += chunk

    def message(self, deadline: float) -> dict:
        self._fill(4, deadline)
        (length,) = struct.unpack(">I", self.buffer[:4])
        if length > self.max_bytes:
            raise EOFError
        self._fill(4 + length, deadline)
        body, self.buffer = self.buffer[4 : 4 + length], self.buffer[4 + length :]
        return json.loads(body)


# ------------------------------------------------------------------------------- cgroups


class Cgroup:
    """Memory and pids limits for one sandbox as a whole, where the host lets us create cgroups (v1 controllers).

    In cgroup v1 the memory of every process in a group counts, and so do the pages of
    tmpfs files its processes wrote (/work, /tmp, /dev/shm): a run cannot spread over
    several processes, or into files, to get past its limit.

    Memory has two levels: the sandbox's group, and inside it a "code" group where every
    process of the sandbox starts, so the learner's process (forked by the supervisor)
    is born there. Once it is, the supervisor moves up to the sandbox's group, which
    holds a reserve beyond the code's limit: when the code fills its limit, even with
    files that killing a process does not free, the supervisor can still collect and
    report. The pids group is one level: everything in the sandbox counts.
    """

    ROOTS = {"memory": Path("/sys/fs/cgroup/memory"), "pids": Path("/sys/fs/cgroup/pids")}

    _swept = False

    def __init__(self, name: str, *, memory_bytes: int, pids: int) -> None:
        if not Cgroup._swept:
            Cgroup._swept = True
            self.sweep()
        self.paths: list[Path] = []  # every group made, innermost first (the order they are removed in)
        self.memory: Path | None = None  # the sandbox's memory group
        self.code: Path | None = None  # its "code" group
        self.pids: Path | None = None
        for controller in ("memory", "pids"):
            root = self.ROOTS[controller]
            if not (root / "cgroup.procs").exists():
                continue  # no such controller mounted here
            path = root / "lessonbox" / name
            try:
                path.mkdir(parents=True)
            except OSError:
                continue  # not ours to create (an unprivileged worker): rlimits still apply
            try:
                if controller == "memory":
                    _write_memory_limit(path, memory_bytes + COLLECT_RESERVE_BYTES)
                    (path / "code").mkdir()
                    self.paths.append(path / "code")
                    _write_memory_limit(path / "code", memory_bytes)
                    self.memory, self.code = path, path / "code"
                else:
                    (path / "pids.max").write_text(str(pids))
                    self.pids = path
            except OSError:
                for made in (path / "code", path):
                    with contextlib.suppress(OSError):
                        made.rmdir()
                self.paths = [made for made in self.paths if not made.is_relative_to(path)]
                if controller == "memory":
                    self.memory = self.code = None
                continue
            self.paths.append(path)

    def add(self, pid: int) -> None:
        """Put a process of the sandbox in its groups (for memory, the code group)."""
        for path in (self.code, self.pids):
            if path is not None:
                with contextlib.suppress(OSError):
                    (path / "cgroup.procs").write_text(str(pid))

    def lift(self, pid: int) -> None:
        """Move a process from the code group up to the sandbox's own (its later memory is the reserve's)."""
        if self.memory is not None:
            with contextlib.suppress(OSError):
                (self.memory / "cgroup.procs").write_text(str(pid))

    def limit_code_memory(self, extra_bytes: int) -> None:
        """Hold the code to what its group uses now (the started sandbox) plus extra_bytes; keep the reserve above it."""
        if self.code is None:
            return
        with contextlib.suppress(OSError, ValueError):
            code = _memory_usage(self.code) + extra_bytes
            whole = _memory_usage(self.memory) + extra_bytes + COLLECT_RESERVE_BYTES
            # The outer limit may never be below the inner one while both change.
            if whole > _memory_limit(self.memory):
                _write_memory_limit(self.memory, whole)
                _write_memory_limit(self.code, code)
            else:
                _write_memory_limit(self.code, code)
                _write_memory_limit(self.memory, whole)

    def make_room(self, extra_bytes: int) -> None:
        """Give the sandbox extra_bytes beyond what it uses now (the code is gone: what it left stays counted)."""
        if self.memory is not None:
            with contextlib.suppress(OSError, ValueError):
                _write_memory_limit(self.memory, max(_memory_usage(self.memory) + extra_bytes, _memory_limit(self.memory)))

    def limits_reached(self) -> set[str]:
        """Return which of the groups' limits refused something ("memory", "processes")."""
        reached = set()
        for path in (self.code, self.memory):
            with contextlib.suppress(OSError, ValueError):
                if path is not None and int(_counters(path / "memory.oom_control").get("oom_kill", 0)) > 0:
                    reached.add("memory")
        with contextlib.suppress(OSError, ValueError):
            if self.pids is not None and int(_counters(self.pids / "pids.events").get("max", 0)) > 0:
                reached.add("processes")
        return reached

    @classmethod
    def sweep(cls) -> None:
        """Remove empty groups left by processes that ended before their cleanup ran."""
        for root in cls.ROOTS.values():
            for path in (root / "lessonbox").glob("run-*"):
                owner = path.name.split("-")[1]
                if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                    for made in (path / "code", path):
                        with contextlib.suppress(OSError):
                            made.rmdir()

    def remove_later(self) -> None:
        """Remove the cgroups once their last processes are gone, without making the caller wait."""
        if self.paths:
            threading.Thread(target=self._remove, daemon=True, name="cgroup-cleanup").start()

    def _remove(self) -> None:
        for path in self.paths:
            for _ in range(500):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)  # the last processes are still exiting


def _memory_usage(path: Path) -> int:
    return int((path / "memory.usage_in_bytes").read_text())


def _memory_limit(path: Path) -> int:
    return int((path / "memory.limit_in_bytes").read_text())


def _write_memory_limit(path: Path, limit: int) -> None:
    # With swap, memory.memsw caps memory and swap together (it must never be below
    # memory.limit, so the order of the two writes depends on the direction).
    memsw = path / "memory.memsw.limit_in_bytes"
    order = ["memory.limit_in_bytes", memsw.name] if limit < _memory_limit(path) else [memsw.name, "memory.limit_in_bytes"]
    for file_name in order:
        if file_name == memsw.name and not memsw.exists():
            continue
        (path / file_name).write_text(str(limit))


def _counters(path: Path) -> dict[str, str]:
    return dict(line.split()[:2] for line in path.read_text().splitlines() if line.strip())


# ------------------------------------------------------------------------------- backends


@lru_cache(maxsize=4)
def _runtime(python: str) -> tuple[str, tuple[str, ...]]:
    """Return the sandbox Python's environment folder and the base installations it needs besides /usr."""
    if not Path(python).exists():
        log.error("the sandbox Python runtime %s is missing; bin/serve or bin/test creates it", python)
        raise SandboxUnavailable(f"{START_FAILED} (the sandbox's Python runtime is missing on the worker).")
    output = subprocess.run(
        [python, "-I", "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"], capture_output=True, text=True, check=True, env={}, timeout=30
    )
    prefix, base_prefix = output.stdout.split()
    return prefix, tuple(path for path in {base_prefix} - {prefix} if not path.startswith("/usr"))


def _process_tree(pid: int) -> list[int]:
    """Return pid and all its descendants (from /proc/<pid>/task/<tid>/children)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                pending += [int(child) for child in (task / "children").read_text().split()]
    return found


@lru_cache(maxsize=1)
def _guest_files() -> dict[str, bytes]:
    """Return the guest package's files for a sandbox: the sources, and bytecode compiled once here.

    The sandbox's interpreter would otherwise compile the guest (several milliseconds)
    on every start. Unchecked-hash .pyc files are used without looking at the source's
    date; an interpreter of another version ignores them and compiles the source.
    """
    import importlib.util

    files = {}
    with tempfile.TemporaryDirectory(prefix="lessonbox-guest-build-") as build:
        for source in sorted(GUEST_DIR.glob("*.py")):
            files[source.name] = source.read_bytes()
            cache = Path(importlib.util.cache_from_source(str(source)))
            compiled = Path(build) / cache.name
            py_compile.compile(str(source), cfile=str(compiled), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            files[f"__pycache__/{cache.name}"] = compiled.read_bytes()
    return files


_guest_copy: tuple[int, Path] | None = None  # (the process that made it, the folder)
_guest_copy_lock = threading.Lock()


def _guest_copy_dir() -> Path:
    """Return this process's copy of the guest package, made on first use; every sandbox mounts it read-only.

    The guest is copied so the sandbox never needs to see (or be able to reach) the
    project's folder. One copy per worker process, not per sandbox: writing and removing
    the package's files would cost every run about a millisecond. A process that ends
    removes its copy; copies of processes that were killed are removed by the next one.
    """
    global _guest_copy
    with _guest_copy_lock:
        if _guest_copy is not None and _guest_copy[0] == os.getpid() and _guest_copy[1].is_dir():
            return _guest_copy[1]
        _sweep_guest_copies()
        folder = Path(tempfile.mkdtemp(prefix=f"lessonbox-guest-{os.getpid()}-"))
        try:
            package = folder / GUEST_PACKAGE
            (package / "__pycache__").mkdir(parents=True)
            for name, content in _guest_files().items():
                (package / name).write_bytes(content)
                os.chmod(package / name, 0o644)
            for made in (folder, package, package / "__pycache__"):
                os.chmod(made, 0o755)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        atexit.register(_remove_guest_copy, os.getpid(), folder)
        _guest_copy = (os.getpid(), folder)
        return folder


def _remove_guest_copy(owner: int, folder: Path) -> None:
    if os.getpid() == owner:  # never a parent's copy, from a forked worker
        shutil.rmtree(folder, ignore_errors=True)


def _sweep_guest_copies() -> None:
    for folder in Path(tempfile.gettempdir()).glob("lessonbox-guest-*-*"):
        owner = folder.name.split("-")[2]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _bubblewrap() -> str | None:
    return shutil.which("bwrap")


def _supervisor(bubblewrap_pid: int) -> int | None:
    """Return the host pid of the sandbox's supervisor: bubblewrap's child (the sandbox's pid 1), then its child."""
    pid = bubblewrap_pid
    for _ in range(2):
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return None
        if len(children) != 1:
            return None
        pid = int(children[0])
    return pid


def backend_name() -> str:
    """Return which backend runs code here ("bubblewrap" or "unisolated"), or raise SandboxUnavailable."""
    if _bubblewrap():
        return "bubblewrap"
    if settings.SANDBOX_ALLOW_UNISOLATED:
        return "unisolated"
    raise SandboxUnavailable(
        "bubblewrap is not installed, so learners' code cannot run isolated. Install the Debian package "
        "bubblewrap, or for development only set SANDBOX_ALLOW_UNISOLATED=true."
    )


class Guest:
    """One sandboxed interpreter, used for exactly one run.

    Starting one either succeeds or leaves nothing behind: any failure (the runtime
    missing, bubblewrap that cannot be executed, a full temporary folder) removes what was
    created and raises SandboxUnavailable with a message the learner can act on.
    """

    def __init__(self, *, warm: bool, limits: Limits) -> None:
        self.warm = warm
        self.limits = limits
        self.backend = backend_name()
        self.data_dir: Path | None = None
        self.work_dir: Path | None = None
        self.cgroup: Cgroup | None = None
        self.process: subprocess.Popen | None = None
        self._confining: threading.Thread | None = None
        self.started = time.monotonic()
        try:
            self._start()
        except BaseException as error:
            self.close()
            if isinstance(error, SandboxUnavailable):
                raise
            if not isinstance(error, Exception):
                raise  # KeyboardInterrupt, SystemExit: not ours to translate
            log.exception("a sandbox failed to start")
            raise SandboxUnavailable(f"{START_FAILED} ({_describe(error)}).") from error

    def _start(self) -> None:
        self.guest_dir = _guest_copy_dir()
        self.data_dir = Path(tempfile.mkdtemp(prefix="lessonbox-data-"))
        os.chmod(self.data_dir, 0o755)
        command, env, pass_fds, user = self._command()
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                pass_fds=pass_fds,
                start_new_session=True,
                cwd="/",
                **user,
            )
        finally:
            for fd in pass_fds:
                os.close(fd)
        if self.backend == "bubblewrap":
            self.cgroup = Cgroup(
                f"run-{os.getpid()}-{secrets.token_hex(6)}",
                memory_bytes=self.limits.memory_mb * MB + START_OVERHEAD_BYTES,
                pids=self.limits.processes + 16,
            )
        self.reader = _Reader(self.process.stdout.fileno(), max_bytes=self._max_result_bytes())
        self.ready = False
        self._moved: set[int] = set()
        self._supervisor_pid: int | None = None
        if self.cgroup and self.cgroup.paths:
            self._confining = threading.Thread(target=self._confine_early, daemon=True, name="cgroup-move")
            self._confining.start()

    def _max_result_bytes(self) -> int:
        # Files and figures within the per-run cap (base64), stdout and stderr within the
        # output cap (JSON may escape a byte as six), and room for the rest.
        keep = settings.SANDBOX_KEEP_RUN_MB * MB
        return 16 * MB + keep * 4 // 3 + 2 * 6 * self.limits.output_kb * 1024

    def _command(self) -> tuple[list[str], dict[str, str], list[int], dict]:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/work" if self.backend == "bubblewrap" else "/tmp",
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        python = settings.SANDBOX_PYTHON
        warm = ["--warm"] if self.warm else []
        mpl_seed = Path(settings.SANDBOX_PYTHON).parent.parent / "mplconfig"
        if self.backend == "unisolated":
            self.work_dir = Path(tempfile.mkdtemp(prefix="lessonbox-work-"))
            (self.work_dir / "data").symlink_to(self.data_dir)
            env.update(
                {"LESSONBOX_WORK": str(self.work_dir), "MPLCONFIGDIR": str(self.work_dir / ".matplotlib"), "LESSONBOX_MPL_SEED": str(mpl_seed)}
            )
            return [python, "-I", "-S", "-c", _launcher(str(self.guest_dir)), *warm], env, [], {}

        prefix, base_prefixes = _runtime(python)
        try:
            bpf = compiled_filter()
        except SeccompUnavailable as error:
            raise SandboxUnavailable(str(error)) from None
        read_fd, write_fd = os.pipe()
        try:
            os.write(write_fd, bpf)  # a few hundred bytes: fits the pipe buffer
        finally:
            os.close(write_fd)
        env.update({"MPLCONFIGDIR": "/tmp/matplotlib", "LESSONBOX_MPL_SEED": MPL_SEED_MOUNT, "LESSONBOX_SANDBOXED": "1"})
        disk = self.limits.disk_mb * MB
        scratch = min(SCRATCH_MB * MB, disk)
        command = [
            _bubblewrap() or "bwrap",
            "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr",
        ]  # fmt: skip
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                command += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                command += ["--ro-bind", top, top]
        for shared in ("/etc/fonts", "/etc/ld.so.cache", "/etc/localtime"):
            if os.path.exists(shared):
                command += ["--ro-bind", shared, shared]
        # The environment is mounted at a fixed place (Python finds its packages next to
        # the executable), so the host path of the project never shows inside.
        command += ["--ro-bind", prefix, RUNTIME_MOUNT]
        for base_prefix in base_prefixes:
            command += ["--ro-bind", base_prefix, base_prefix]
        command += ["--ro-bind", str(self.guest_dir), GUEST_MOUNT]
        if mpl_seed.is_dir():
            command += ["--ro-bind", str(mpl_seed), MPL_SEED_MOUNT]
        # /dev/shm gets a size-capped tmpfs of its own: the one --dev makes has no cap,
        # and shared memory (multiprocessing's semaphores and queues) lives there.
        command += [
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(scratch), "--tmpfs", "/dev/shm",
            "--size", str(scratch), "--tmpfs", "/tmp",
            "--size", str(disk), "--tmpfs", "/work",
            "--ro-bind", str(self.data_dir), "/work/data",
            "--remount-ro", "/",  # the root itself (a tmpfs with the mount points) takes no writes
            "--chdir", "/work",
            "--clearenv",
        ]  # fmt: skip
        for name, value in env.items():
            command += ["--setenv", name, value]
        sandbox_python = f"{RUNTIME_MOUNT}/{Path(python).relative_to(prefix)}"
        command += ["--seccomp", str(read_fd), "--", sandbox_python, "-I", "-S", "-c", _launcher(GUEST_MOUNT), *warm]
        user = {}
        if os.geteuid() == 0:
            # Never let a sandbox be host root: each gets a throwaway unprivileged uid.
            uid = secrets.choice(SANDBOX_UIDS)
            user = {"user": uid, "group": uid, "extra_groups": []}
        return command, {}, [read_fd], user

    def wait_ready(self, timeout: float = START_SECONDS) -> None:
        try:
            message = self.reader.message(time.monotonic() + timeout)
        except (TimeoutError, EOFError, ValueError):
            tail = self._stderr_tail()
            self.close()
            raise SandboxUnavailable(f"{START_FAILED} (it did not answer: {tail}).") from None
        if message.get("type") != "ready":
            self.close()
            raise SandboxUnavailable(f"{START_FAILED} (it answered unexpectedly at start).")
        self.ready = True

    def _confine_early(self) -> None:
        # Runs in a thread while the sandbox's Python starts: the first move into a new
        # cgroup waits for the kernel (an RCU grace period, often several milliseconds),
        # and that wait then overlaps the interpreter's start-up instead of following it.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and len(_process_tree(self.process.pid)) < 3 and self.process.poll() is None:
            time.sleep(0.0005)  # bubblewrap, its pid 1, then the supervisor
        self._move_into_cgroup()

    def _move_into_cgroup(self) -> None:
        for pid in _process_tree(self.process.pid):
            if pid not in self._moved:
                self.cgroup.add(pid)
                self._moved.add(pid)
        self._supervisor_pid = _supervisor(self.process.pid)

    def confine(self) -> None:
        """Make sure every process the sandbox has is in its cgroups, before it gets any code.

        bubblewrap and the supervisor are moved (a cgroup v1 move never takes existing
        children along); the learner's process, forked later, is born inside.
        """
        if self._confining is not None:
            self._confining.join()
            self._move_into_cgroup()  # anything that appeared after the early move
            self._confining = None

    def run(self, *, code: str, data: list[DataFile], check_source: str = "") -> dict:
        """Run code once (then the checks, if any) and return the guest's result; the sandbox is gone afterwards."""
        try:
            if not self.ready:
                self.wait_ready()
            self.confine()
            if self.cgroup is not None:
                # From here the code as a whole (every process, and the files it keeps in
                # memory-backed folders) gets memory_mb on top of the started sandbox.
                self.cgroup.limit_code_memory(self.limits.memory_mb * MB)
            self._write_data(data)
            return self._exchange(code=code, check_source=check_source)
        finally:
            self.close()

    def _write_data(self, data: list[DataFile]) -> None:
        try:
            for data_file in data:
                target = self.data_dir / Path(data_file.name).relative_to("data")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data_file.content)
                os.chmod(target, 0o444)
        except OSError as error:
            log.exception("could not hand a run's data files to its sandbox")
            raise SandboxUnavailable(f"{START_FAILED} (its data files could not be prepared: {_describe(error)}).") from error

    def _exchange(self, *, code: str, check_source: str) -> dict:
        request = {
            "type": "run",
            "code": code,
            "limits": asdict(self.limits),
            "keep": {"run_bytes": settings.SANDBOX_KEEP_RUN_MB * MB, "file_bytes": settings.SANDBOX_KEEP_FILE_MB * MB},
            "scratch_mb": min(SCRATCH_MB, self.limits.disk_mb),  # the size of /tmp and of /dev/shm
            "has_checks": bool(check_source),
            "uses_heavy_modules": uses_heavy_modules(code, check_source),
        }
        deadline = time.monotonic() + self.limits.wall_seconds + START_SECONDS + (CHECK_SECONDS if check_source else 0)
        try:
            _send(self.process.stdin, request)
            message = self.reader.message(deadline)
            if message.get("type") == "forked":  # the learner's process is born, in the code group
                self._lift_supervisor()
                message = self.reader.message(deadline)
            if message.get("type") == "collecting":  # the learner's processes are gone
                if self.cgroup is not None:
                    # What the code left in memory-backed folders stays counted; the
                    # supervisor gets room of its own to collect it and run the checks.
                    self.cgroup.make_room(self.limits.memory_mb * MB)
                _send(self.process.stdin, {"type": "checks", "source": check_source if message.get("need_checks") else ""})
                message = self.reader.message(deadline)
        except TimeoutError:
            return self._failure("timeout", f"The code ran longer than {self.limits.wall_seconds} seconds (the wall-clock limit) and was stopped.")
        except (EOFError, BrokenPipeError, ValueError):
            return self._with_limits_reached(
                self._failure("killed", "The sandbox stopped before it reported (the code may have used too much memory or ended its own process).")
            )
        message.pop("type", None)
        return self._with_limits_reached(message)

    def _lift_supervisor(self) -> None:
        """Move the supervisor out of the code's memory group, in the background.

        A move waits for the kernel (an RCU grace period, often several milliseconds);
        the run goes on meanwhile, and a trivial run does not wait for it.
        """
        supervisor = self._supervisor_pid
        if self.cgroup is not None and supervisor is not None:
            threading.Thread(target=self.cgroup.lift, args=(supervisor,), daemon=True, name="cgroup-lift").start()

    def _with_limits_reached(self, result: dict) -> dict:
        """Say which of the run's cgroup limits the code reached, keeping what it printed and wrote."""
        reached = self.cgroup.limits_reached() if self.cgroup is not None else set()
        if "memory" in reached:
            result["status"] = "limit"
            result["error"] = (
                f"The run used more than {self.limits.memory_mb} MB of memory (the memory limit, for all its processes together "
                "and the files it keeps in /work, /tmp and /dev/shm), so the kernel stopped a process of it."
            )
        elif "processes" in reached and result.get("status") in ("error", "killed", "limit"):
            result["status"] = "limit"
            result["error"] = f"The code started more than {self.limits.processes} processes and threads (the process limit)."
        elif result.get("status") == "killed" and (self.cgroup is None or self.cgroup.memory is None):
            # Said plainly: without cgroups only each process's address space is limited.
            result["error"] = f"{result['error']} On this server memory is limited per process, not for the run as a whole."
        return result

    def _failure(self, status: str, message: str) -> dict:
        return {
            "status": status,
            "error": message,
            "stdout": "",
            "stderr": "",
            "duration_s": round(time.monotonic() - self.started, 4),
            "checks": [],
            "figures": [],
            "not_kept_figures": [],
            "files": [],
        }

    def _stderr_tail(self) -> str:
        with contextlib.suppress(Exception):
            if self.process.poll() is not None:
                return self.process.stderr.read(4000).decode("utf-8", "replace").strip() or f"exit status {self.process.returncode}"
        return "no answer"

    def close(self) -> None:
        """Kill everything in the sandbox and remove its traces on the host (safe to call more than once, and on a half-started one)."""
        if self._confining is not None:
            self._confining.join()
            self._confining = None
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                self.process.kill()
            with contextlib.suppress(Exception):
                self.process.wait()  # SIGKILL was sent: no polling loop needed
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                with contextlib.suppress(Exception):
                    stream.close()
        if self.cgroup is not None:
            self.cgroup.remove_later()
            self.cgroup = None
        for folder in (self.data_dir, self.work_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def _launcher(guest_root: str) -> str:
    """Return the -c program that starts the guest package from guest_root (-I leaves the script's folder off sys.path)."""
    return f"import sys; sys.path.insert(0, {guest_root!r}); from {GUEST_PACKAGE}.runner import main; main()"


def _describe(error: BaseException) -> str:
    # Short and without the worker's paths: the learner reads it; the log has the details.
    if isinstance(error, OSError) and error.errno is not None:
        return os.strerror(error.errno).lower()
    if isinstance(error, subprocess.CalledProcessError):
        return f"the sandbox Python runtime failed (exit status {error.returncode})"
    return f"{type(error).__name__}: {error}"


def execute(*, code: str, limits: Limits, data: list[DataFile] | None = None, check_source: str = "", guest: Guest | None = None) -> dict:
    """Run code in a fresh sandbox (or the warm one given) and return the result.

    A fresh sandbox imports pandas, numpy and matplotlib before it says it is ready when
    the code uses them, as a warm one has: its memory limit then counts from the same
    started state.
    """
    guest = guest or Guest(warm=uses_heavy_modules(code, check_source), limits=limits)
    return guest.run(code=code, data=data or [], check_source=check_source)
