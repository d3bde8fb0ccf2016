"""What runs in the forked child: the learner's code, once, then a data-only report.

Everything here runs in the learner's process, after the fork: it may be patched or
broken by the code it runs, so the supervisor trusts nothing it writes beyond plain JSON.
"""

from __future__ import annotations

import os
import resource
import sys

from .common import CELL, WORK, suppress
from .protocol import to_json

MAX_REPR = 10_000
MAX_ERROR_TEXT = 50_000
MAX_REPORT_BYTES = 56 * 1024 * 1024  # variables (16 MB) and figures (10 x 2 x 2 MB)
TABLE_ROWS = 30
TABLE_COLUMNS = 20


def display_value(value) -> dict | None:
    """Return how a notebook would show the last expression's value."""
    if value is None:
        return None
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, pandas.Series):
        value = value.to_frame()
    if pandas is not None and isinstance(value, pandas.DataFrame):
        shown = value.iloc[:TABLE_ROWS, :TABLE_COLUMNS]
        return {
            "kind": "table",
            "columns": [str(column) for column in shown.columns],
            "index": [str(label) for label in shown.index],
            "rows": [[_cell(item) for item in row] for row in shown.itertuples(index=False, name=None)],
            "shape": [int(value.shape[0]), int(value.shape[1])],
        }
    text = repr(value)
    return {"kind": "text", "text": text[:MAX_REPR] + ("…" if len(text) > MAX_REPR else "")}


def _cell(item) -> str:
    text = str(item)
    return text if len(text) <= 200 else text[:199] + "…"


def learner_traceback(error: BaseException, code: str) -> str:
    """Format a traceback showing only the learner's own lines (and the error itself)."""
    import linecache
    import traceback

    linecache.cache[CELL] = (len(code), None, code.splitlines(keepends=True), CELL)
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == CELL]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines).replace(f'File "{CELL}"', "Your code")


def _set_limits(limits: dict) -> None:
    # The rlimits bind each process; the run's cgroup (set by the host) binds all of
    # them together. RLIMIT_AS stays: one oversized allocation then fails with a clear
    # MemoryError instead of a kill.
    memory = limits["memory_mb"] * 1024 * 1024
    with suppress(OSError, ValueError):
        current = _virtual_memory_bytes()
        resource.setrlimit(resource.RLIMIT_AS, (current + memory, current + memory))
    cpu = limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    disk = limits["disk_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (disk, disk))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = limits["processes"]
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def run_learner_code(code: str, limits: dict, result_fd: int) -> None:
    """In the forked child: run the code as a script's __main__, then write a data-only report to result_fd and exit."""
    import _ast  # the compiler's own node types (built in); the ast module costs milliseconds

    report: dict = {"error": None, "display": None}
    # A real __main__ module, as `python script.py` gives: pickle (and so multiprocessing)
    # finds functions and classes the code defines by looking them up in sys.modules.
    main = type(sys)("__main__")
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    sys.argv = [""]
    sys.path.insert(0, WORK)  # as the script's own folder is: modules the code wrote beside it import
    namespace = main.__dict__
    try:
        _prefer_this_process_when_memory_runs_out()
        _set_limits(limits)
        tree = compile(code, CELL, "exec", flags=_ast.PyCF_ONLY_AST)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], _ast.Expr) else None
        exec(compile(tree, CELL, "exec"), namespace)  # noqa: S102 - this is the sandbox
        if last is not None:
            value = eval(compile(_ast.Expression(last.value), CELL, "eval"), namespace)  # noqa: S307
            report["display"] = display_value(value)
    except MemoryError:
        report["error"] = {"kind": "memory", "text": "MemoryError: the code used more memory than this run may."}
    except SyntaxError as error:
        import traceback

        report["error"] = {
            "kind": "exception",
            "text": "".join(traceback.format_exception_only(type(error), error)).replace(f'File "{CELL}"', "Your code"),
        }
    except BaseException as error:
        if isinstance(error, SystemExit) and error.code in (None, 0):
            pass
        else:
            kind = _limit_reached(error)
            report["error"] = {"kind": kind, "text": learner_traceback(error, code)[-MAX_ERROR_TEXT:]}
    with suppress(BaseException):
        _wait_for_threads()
    try:
        report["figures"] = []
        if "matplotlib.pyplot" in sys.modules:
            from .figures import describe_figures

            with suppress(Exception):  # a figure the code broke is one the run cannot show
                report["figures"] = describe_figures()
        snapshot = {}
        for name, value in list(namespace.items()):
            if name.startswith("_") or type(value).__name__ in ("module", "function", "type", "builtin_function_or_method"):
                continue
            from .transport import encode

            try:
                snapshot[name] = encode(value)
            except Exception:  # a value whose own methods fail to read: the checks see a marker
                snapshot[name] = {"__opaque__": type(value).__name__}
        report["variables"] = snapshot
        _run_exit_handlers()
        body = b"" if not any(report.values()) else to_json(report).encode("utf-8", "replace")  # nothing to say: say nothing
        if len(body) > MAX_REPORT_BYTES:
            report["variables"], report["figures"] = {}, []
            report["note"] = "The variables and figures were too large to bring back."
            body = to_json(report).encode("utf-8", "replace")
        with os.fdopen(result_fd, "wb") as out:
            out.write(body)
    finally:
        os._exit(0)


def _prefer_this_process_when_memory_runs_out() -> None:
    # When the run reaches its memory limit, the kernel kills a process of the learner's
    # (children inherit this) rather than the supervisor, which then still reports the
    # output, the files and which limit was hit. The child inherited the supervisor's
    # non-dumpable flag, which makes its /proc files root's: it drops it first (it has
    # nothing to hide from anyone; the flag protects the supervisor, which keeps it).
    import ctypes

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE
        with open("/proc/self/oom_score_adj", "w") as adjust:
            adjust.write("1000")


def _wait_for_threads() -> None:
    # As the interpreter does at exit: non-daemon threads finish before the script ends.
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()


def _run_exit_handlers() -> None:
    # As the interpreter does at exit: atexit handlers run, among them multiprocessing's,
    # which ends a Pool's workers (they would otherwise hold the output pipes open).
    import atexit

    with suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    with suppress(BaseException):
        atexit._run_exitfuncs()
    with suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()


def _limit_reached(error: BaseException) -> str:
    """Return which limit an exception means the code reached ("disk", "processes"), or "exception"."""
    if isinstance(error, OSError) and error.errno in (27, 28):  # EFBIG, ENOSPC
        return "disk"
    if (isinstance(error, BlockingIOError) and error.errno == 11) or (isinstance(error, RuntimeError) and "can't start new thread" in str(error)):
        # EAGAIN from fork() or clone(): RLIMIT_NPROC or the run's pids cgroup said no.
        return "processes"
    return "exception"
