"""The supervisor: fork the learner's process, collect what it leaves, judge the status, run the checks.

Trust inside the sandbox: this process never runs learner code. It forks a child that
does (learner.py), reads the child's output through pipes with caps, and takes from it
only plain data: a data-only snapshot of the final variables (no pickle), the figures as
drawing primitives and PNGs. The exercise's checks are fetched from the host only after
the child and everything it started are gone, and run here on objects rebuilt from that
data, so printing "PASS", patching builtins or reading the check source from memory
cannot change or reveal a verdict.
"""

from __future__ import annotations

import os
import resource
import select
import signal
import sys
import time

from .common import suppress
from .harvest import Allowance, keep_figures, written_files
from .learner import MAX_REPORT_BYTES, run_learner_code
from .protocol import receive, send

DEFAULT_KEEP = {"run_bytes": 20 * 1024 * 1024, "file_bytes": 10 * 1024 * 1024}


def supervise(request: dict, channel_in, channel_out) -> dict:
    """Run the request's code once in a forked child and return the result for the host."""
    limits = request["limits"]
    if request.get("uses_heavy_modules"):
        import_heavy_modules()  # before the fork: the child and the checks both need them
    stdout_read, stdout_write = os.pipe()
    stderr_read, stderr_write = os.pipe()
    result_read, result_write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(stdout_read)
        os.close(stderr_read)
        os.close(result_read)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(stdout_write, 1)
        os.dup2(stderr_write, 2)
        os.closerange(3, result_write)
        os.closerange(result_write + 1, 65536)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", closefd=False, buffering=1)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False, buffering=1)  # noqa: SIM115
        os.setsid()
        run_learner_code(request["code"], limits, result_write)
    os.close(stdout_write)
    os.close(stderr_write)
    os.close(result_write)
    send(channel_out, {"type": "forked"})  # the host moves this supervisor out of the code's memory group
    deadline = started + limits["wall_seconds"]
    outputs, stopped = _collect({stdout_read: "stdout", stderr_read: "stderr", result_read: "report"}, pid, deadline, limits["output_kb"] * 1024)
    report_bytes = outputs["report"] if stopped is None else b""
    if stopped is not None:
        with suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if os.environ.get("LESSONBOX_SANDBOXED") == "1":
        # Inside the sandbox's own pid namespace, "every process I may signal" is exactly
        # what the code left running. Never outside it: there it would be the host's.
        with suppress(ProcessLookupError, PermissionError):
            os.kill(-1, signal.SIGKILL)
    elapsed = time.monotonic() - started
    result = {
        "type": "result",
        "stdout": outputs["stdout"].decode("utf-8", "replace"),
        "stderr": outputs["stderr"].decode("utf-8", "replace"),
        "duration_s": round(elapsed, 4),
        "display": None,
        "figures": [],
        "files": [],
        "not_kept_figures": [],
        "checks": [],
        "error": None,
    }
    report = _parse_report(report_bytes, os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and stopped is None)
    result.update(_status_of(stopped, status, report, {**limits, "scratch_mb": request.get("scratch_mb", limits["disk_mb"])}))
    if report is not None:
        result["display"] = report.get("display")
        result["figures"] = [figure for figure in report.get("figures") or [] if isinstance(figure, dict)]
    # The learner's processes are gone: tell the host, which gives this supervisor room to
    # collect (the run's memory limit no longer has to hold the code), and only now
    # sends the check source, if the run is one to check.
    need_checks = bool(request.get("has_checks")) and result["status"] in ("ok", "error")
    send(channel_out, {"type": "collecting", "need_checks": need_checks})
    checks = receive(channel_in)
    if need_checks:
        from .checks import Learner, run_checks
        from .figures import rebuild_figure
        from .transport import decode

        report = report or {}  # a code that broke its own report gets checked against nothing
        try:
            learner = Learner(
                variables={name: decode(value) for name, value in (report.get("variables") or {}).items()},
                stdout=result["stdout"],
                figures=[rebuild_figure(figure) for figure in result["figures"]],
            )
        except Exception as error:  # the report is the learner's: it may be malformed on purpose
            result["checks"] = [
                {"name": "checks", "title": "The checks could not run", "passed": False, "message": _unreadable(error), "broken": True}
            ]
        else:
            result["checks"] = run_checks(checks["source"], learner)
    for figure in result["figures"]:
        figure.pop("axes", None)  # the primitives served the checks; the page shows the PNG
    keep = request.get("keep") or DEFAULT_KEEP
    allowance = Allowance(run_bytes=keep["run_bytes"], file_bytes=keep["file_bytes"])
    result["figures"], result["not_kept_figures"] = keep_figures(result["figures"], allowance)
    try:
        result["files"] = written_files(allowance)
    except Exception as error:  # whatever the work folder holds, the output and status still go back
        result["files"] = [{"name": "(written files)", "size": 0, "not_kept": f"could not be collected: {type(error).__name__}"}]
    return result


def _unreadable(error: Exception) -> str:
    return f"What the code left could not be read back ({type(error).__name__})."


def _collect(fds: dict[int, str], child_pid: int, deadline: float, output_limit: int) -> tuple[dict[str, bytes], str | None]:
    """Read the child's stdout, stderr and report together until it closes them all.

    Reading them in one loop matters: a child blocked writing a large report to a full
    pipe would otherwise wait forever for a reader that waits for its stdout to close.
    Returns the bytes of each stream and why the child was stopped, if it was.
    """
    chunks: dict[str, list[bytes]] = {name: [] for name in fds.values()}
    printed, reported, stopped = 0, 0, None
    open_fds = set(fds)
    while open_fds and stopped is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            stopped = "timeout"
            break
        ready, _, _ = select.select(list(open_fds), [], [], min(remaining, 0.5))
        for fd in ready:
            data = os.read(fd, 1 << 16)
            if not data:
                open_fds.discard(fd)
                continue
            name = fds[fd]
            if name == "report":
                reported += len(data)
                if reported > MAX_REPORT_BYTES:
                    chunks["report"] = []
                    open_fds.discard(fd)
                    continue
            else:
                printed += len(data)
                if printed > output_limit:
                    chunks[name].append(data[: max(0, output_limit - (printed - len(data)))])
                    stopped = "output"
                    break
            chunks[name].append(data)
    if stopped:
        with suppress(ProcessLookupError):
            os.kill(child_pid, signal.SIGKILL)
    for fd in fds:
        with suppress(OSError):
            os.close(fd)
    return {name: b"".join(parts) for name, parts in chunks.items()}, stopped


def _parse_report(body: bytes, child_exited_cleanly: bool) -> dict | None:
    """Parse the child's report: untrusted bytes, so JSON only, never pickle or marshal."""
    if not body:
        return {} if child_exited_cleanly else None
    import json

    try:
        report = json.loads(body)
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _status_of(stopped: str | None, status: int, report: dict | None, limits: dict) -> dict:
    """Return the run's status and a message that names the limit it reached, if it reached one."""
    if stopped == "timeout":
        return {"status": "timeout", "error": f"The code ran longer than {limits['wall_seconds']} seconds (the wall-clock limit) and was stopped."}
    if stopped == "output":
        return {"status": "limit", "error": f"The code printed more than {limits['output_kb']} KB (the output limit) and was stopped."}
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGXCPU,) or (number == signal.SIGKILL and report is None and _cpu_exhausted()):
            return {
                "status": "timeout",
                "error": f"The code used more than {limits['cpu_seconds']} seconds of CPU time (the CPU limit) and was stopped.",
            }
        if number == signal.SIGXFSZ:
            return {"status": "limit", "error": f"The code wrote a file larger than {limits['disk_mb']} MB (the disk limit)."}
        return {"status": "killed", "error": f"The code was stopped by signal {signal.Signals(number).name} (often: too much memory)."}
    if report is None:
        return {"status": "error", "error": "The code ended without a report (it may have exited the interpreter abruptly)."}
    error = report.get("error")
    if error is None:
        return {"status": "ok", "error": None}
    text = str(error.get("text", ""))
    if error.get("kind") == "memory":
        return {"status": "limit", "error": f"The code needed more than {limits['memory_mb']} MB of memory (the memory limit).", "traceback": text}
    if error.get("kind") == "disk":
        return {
            "status": "limit",
            "error": f"The code wrote more than the disk limit allows ({limits['disk_mb']} MB in /work, {limits.get('scratch_mb', limits['disk_mb'])} MB each in /tmp and /dev/shm).",
            "traceback": text,
        }
    if error.get("kind") == "processes":
        return {
            "status": "limit",
            "error": f"The code started more than {limits['processes']} processes and threads (the process limit).",
            "traceback": text,
        }
    return {"status": "error", "error": (text.strip().splitlines() or ["The code failed."])[-1], "traceback": text}


def _cpu_exhausted() -> bool:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime > 0.9


def import_heavy_modules() -> None:
    """Import pandas, numpy and matplotlib (Agg), with the prebuilt font cache in place (once)."""
    if "pandas" in sys.modules and "matplotlib.pyplot" in sys.modules:
        return  # a warm sandbox: done before it said it was ready
    seed = os.environ.get("LESSONBOX_MPL_SEED", "")
    config = os.environ.get("MPLCONFIGDIR", "")
    if seed and config and os.path.isdir(seed):
        # A font cache built at setup: matplotlib skips its slow first-run font scan.
        import shutil

        shutil.copytree(seed, config, dirs_exist_ok=True)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import numpy  # noqa: F401
    import pandas  # noqa: F401
