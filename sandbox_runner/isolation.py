"""Isolation backends: start the guest runner in a sandbox, give it one run, collect the result.

The bubblewrap backend is the untrusted-code boundary. Each sandbox gets:
- new user, pid, network, IPC, UTS and cgroup namespaces (no network at all, not even
  to this machine's own services), and nested user namespaces disabled;
- a filesystem of read-only binds (the sandbox Python runtime and /usr), a fresh size-capped
  tmpfs work directory, the run's data files read-only under /work/data, nothing else
  of the host (no /etc beyond fonts, no home, no project source, no database);
- an empty environment (nothing of the host's secrets, even in /proc/1/environ);
- a seccomp filter (sandbox_runner/seccomp.py), rlimits set by the guest, cgroup memory
  and pids limits where the host allows, and a wall clock that kills the whole tree;
- when started by root, a throwaway unprivileged uid, so sandboxes cannot signal or
  share process limits with each other or with anything on the host.
The unisolated backend runs the same guest without any of that, for development only,
and only when SANDBOX_ALLOW_UNISOLATED is set.
"""

from __future__ import annotations

import contextlib
import json
import logging
import marshal
import os
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
MPL_SEED_MOUNT = "/opt/lessonbox-mplconfig"
RUNTIME_MOUNT = "/opt/lessonbox-python"
HEAVY_MODULES = ("pandas", "numpy", "matplotlib", "scipy")
START_SECONDS = 20  # a cold start that imports pandas and matplotlib on a busy machine
CHECK_SECONDS = 20  # the exercise's checks, after the learner's code
MAX_RESULT_BYTES = 64 * 1024 * 1024
SANDBOX_UIDS = range(200_000, 260_000)


class SandboxUnavailable(RuntimeError):
    """No way to run code safely here; the message says what to install or set."""


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

    def __init__(self, fd: int) -> None:
        self.fd = fd
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
        if length > MAX_RESULT_BYTES:
            raise EOFError
        self._fill(4 + length, deadline)
        body, self.buffer = self.buffer[4 : 4 + length], self.buffer[4 + length :]
        return json.loads(body)


# ------------------------------------------------------------------------------- cgroups


class Cgroup:
    """Memory and pids limits for one sandbox, where the host lets us create cgroups (v1 controllers)."""

    ROOTS = {"memory": Path("/sys/fs/cgroup/memory"), "pids": Path("/sys/fs/cgroup/pids")}

    _swept = False

    def __init__(self, name: str, *, memory_bytes: int, pids: int) -> None:
        if not Cgroup._swept:
            Cgroup._swept = True
            self.sweep()
        self.paths: list[Path] = []
        for controller, limits in (("memory", {"memory.limit_in_bytes": memory_bytes}), ("pids", {"pids.max": pids})):
            root = self.ROOTS[controller]
            if not (root / "cgroup.procs").exists():
                continue  # no such controller mounted here
            path = root / "lessonbox" / name
            try:
                path.mkdir(parents=True)
                for file_name, value in limits.items():
                    (path / file_name).write_text(str(value))
            except OSError:
                continue  # not ours to create (an unprivileged worker): rlimits still apply
            self.paths.append(path)

    def add(self, pid: int) -> None:
        for path in self.paths:
            with contextlib.suppress(OSError):
                (path / "cgroup.procs").write_text(str(pid))

    @classmethod
    def sweep(cls) -> None:
        """Remove empty groups left by processes that ended before their cleanup ran."""
        for root in cls.ROOTS.values():
            for path in (root / "lessonbox").glob("run-*"):
                owner = path.name.split("-")[1]
                if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                    with contextlib.suppress(OSError):
                        path.rmdir()

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


# ------------------------------------------------------------------------------- backends


@lru_cache(maxsize=1)
def _runtime() -> tuple[str, tuple[str, ...]]:
    """Return the sandbox Python's environment folder and the base installations it needs besides /usr."""
    python = Path(settings.SANDBOX_PYTHON)
    if not python.exists():
        raise SandboxUnavailable(f"The sandbox Python runtime is missing ({python}); bin/serve or bin/test creates it.")
    output = subprocess.run(
        [str(python), "-I", "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"], capture_output=True, text=True, check=True, env={}
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


def backend_name() -> str:
    """Return which backend runs code here ("bubblewrap" or "unisolated"), or raise SandboxUnavailable."""
    if shutil.which("bwrap"):
        return "bubblewrap"
    if settings.SANDBOX_ALLOW_UNISOLATED:
        return "unisolated"
    raise SandboxUnavailable(
        "bubblewrap is not installed, so learners' code cannot run isolated. Install the Debian package "
        "bubblewrap, or for development only set SANDBOX_ALLOW_UNISOLATED=true."
    )


class Guest:
    """One sandboxed interpreter, used for exactly one run."""

    def __init__(self, *, warm: bool, limits: Limits) -> None:
        self.warm = warm
        self.limits = limits
        self.backend = backend_name()
        self.data_dir = Path(tempfile.mkdtemp(prefix="lessonbox-data-"))
        os.chmod(self.data_dir, 0o755)
        # The guest program is copied next to the data, so the sandbox never needs to
        # see (or be able to reach) the project's folder.
        self.guest_dir = Path(tempfile.mkdtemp(prefix="lessonbox-guest-"))
        shutil.copy(GUEST_DIR / "runner.py", self.guest_dir / "runner.py")
        os.chmod(self.guest_dir, 0o755)
        os.chmod(self.guest_dir / "runner.py", 0o644)
        self.work_dir: Path | None = None
        self.cgroup: Cgroup | None = None
        self.started = time.monotonic()
        command, env, pass_fds, user = self._command()
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
        for fd in pass_fds:
            os.close(fd)
        if self.backend == "bubblewrap":
            heavy_overhead = 400 * 1024 * 1024  # pandas and matplotlib already imported by the supervisor
            self.cgroup = Cgroup(
                f"run-{os.getpid()}-{secrets.token_hex(6)}", memory_bytes=limits.memory_mb * 1024 * 1024 + heavy_overhead, pids=limits.processes + 16
            )
        self.reader = _Reader(self.process.stdout.fileno())
        self.ready = False
        self._moved: set[int] = set()
        self._confining = threading.Thread(target=self._confine_early, daemon=True, name="cgroup-move") if self.cgroup and self.cgroup.paths else None
        if self._confining is not None:
            self._confining.start()

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
            return [python, "-I", "-S", str(self.guest_dir / "runner.py"), *warm], env, [], {}

        try:
            bpf = compiled_filter()
        except SeccompUnavailable as error:
            raise SandboxUnavailable(str(error)) from None
        read_fd, write_fd = os.pipe()
        os.write(write_fd, bpf)  # a few hundred bytes: fits the pipe buffer
        os.close(write_fd)
        env.update({"MPLCONFIGDIR": "/tmp/matplotlib", "LESSONBOX_MPL_SEED": MPL_SEED_MOUNT, "LESSONBOX_SANDBOXED": "1"})
        disk = self.limits.disk_mb * 1024 * 1024
        command = [
            "bwrap",
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
        prefix, base_prefixes = _runtime()
        command += ["--ro-bind", prefix, RUNTIME_MOUNT]
        for base_prefix in base_prefixes:
            command += ["--ro-bind", base_prefix, base_prefix]
        command += ["--ro-bind", str(self.guest_dir), GUEST_MOUNT]
        if mpl_seed.is_dir():
            command += ["--ro-bind", str(mpl_seed), MPL_SEED_MOUNT]
        command += [
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(64 * 1024 * 1024), "--tmpfs", "/tmp",
            "--size", str(disk), "--tmpfs", "/work",
            "--ro-bind", str(self.data_dir), "/work/data",
            "--remount-ro", "/",  # the root itself (a tmpfs with the mount points) takes no writes
            "--chdir", "/work",
            "--clearenv",
        ]  # fmt: skip
        for name, value in env.items():
            command += ["--setenv", name, value]
        sandbox_python = f"{RUNTIME_MOUNT}/{Path(python).relative_to(prefix)}"
        command += ["--seccomp", str(read_fd), "--", sandbox_python, "-I", "-S", f"{GUEST_MOUNT}/runner.py", *warm]
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
            self.close()
            raise SandboxUnavailable(f"The sandbox did not start: {self._stderr_tail()}") from None
        if message.get("type") != "ready":
            self.close()
            raise SandboxUnavailable("The sandbox answered unexpectedly at start.")
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
        """Run code once (then the checks, if any) and return the guest's result."""
        if not self.ready:
            self.wait_ready()
        self.confine()
        for data_file in data:
            target = self.data_dir / Path(data_file.name).relative_to("data")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data_file.content)
            os.chmod(target, 0o444)
        request = {
            "type": "run",
            "code": code,
            "limits": asdict(self.limits),
            "has_checks": bool(check_source),
            "uses_heavy_modules": uses_heavy_modules(code, check_source),
        }
        deadline = time.monotonic() + self.limits.wall_seconds + START_SECONDS + (CHECK_SECONDS if check_source else 0)
        try:
            _send(self.process.stdin, request)
            message = self.reader.message(deadline)
            if message.get("type") == "need-checks":
                _send(self.process.stdin, {"type": "checks", "source": check_source})
                message = self.reader.message(deadline)
        except TimeoutError:
            return self._failure("timeout", f"The code ran longer than {self.limits.wall_seconds} seconds and was stopped.")
        except (EOFError, BrokenPipeError, ValueError):
            return self._failure(
                "killed", "The sandbox stopped before it reported (the code may have used too much memory or ended its own process)."
            )
        finally:
            self.close()
        message.pop("type", None)
        return message

    def _failure(self, status: str, message: str) -> dict:
        return {
            "status": status,
            "error": message,
            "stdout": "",
            "stderr": "",
            "duration_s": round(time.monotonic() - self.started, 4),
            "checks": [],
            "figures": [],
            "files": [],
        }

    def _stderr_tail(self) -> str:
        with contextlib.suppress(Exception):
            if self.process.poll() is not None:
                return self.process.stderr.read(4000).decode("utf-8", "replace").strip() or f"exit status {self.process.returncode}"
        return "no answer"

    def close(self) -> None:
        """Kill everything in the sandbox and remove its traces on the host."""
        if self._confining is not None:
            self._confining.join()
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
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.rmtree(self.guest_dir, ignore_errors=True)
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def execute(*, code: str, limits: Limits, data: list[DataFile] | None = None, check_source: str = "", guest: Guest | None = None) -> dict:
    """Run code in a fresh sandbox (or the warm one given) and return the result."""
    guest = guest or Guest(warm=False, limits=limits)
    return guest.run(code=code, data=data or [], check_source=check_source)
