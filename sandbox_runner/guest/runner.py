"""The guest's entry point: start up inside the sandbox, say ready, serve exactly one run.

The host starts this module inside bubblewrap and talks to it over stdin/stdout (see
protocol.py). The supervisor (supervisor.py) makes itself non-dumpable first, so the
learner's process cannot reach its memory or file descriptors through /proc.
"""

from __future__ import annotations

# Only what every run needs is imported up front: each millisecond here is paid by
# every run. The rest (json, ast, traceback, base64, io...) is imported where it is used.
import os
import sys

from .common import WORK
from .protocol import receive, send
from .supervisor import import_heavy_modules, supervise


def _make_undumpable() -> None:
    # PR_SET_DUMPABLE = 4: /proc/<this pid>/{mem,fd,environ} become root-only, so the
    # learner's process (same uid) cannot read or write this supervisor through /proc.
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)


def _add_site_packages() -> None:
    # Started with -S (no site module: it costs every run a few milliseconds), so the
    # virtual environment's packages folder, next to the interpreter, is added directly.
    environment = os.path.dirname(os.path.dirname(sys.executable))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    folder = os.path.join(environment, "lib", version, "site-packages")
    if os.path.exists(os.path.join(environment, "pyvenv.cfg")) and os.path.isdir(folder) and folder not in sys.path:
        sys.path.append(folder)


def main() -> None:
    """Start up, tell the host we are ready, serve one run, answer."""
    _add_site_packages()
    os.chdir(WORK)
    channel_in = os.fdopen(os.dup(0), "rb")
    channel_out = os.fdopen(os.dup(1), "wb")
    # The protocol owns the real stdin/stdout; stray prints go nowhere.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    _make_undumpable()
    if "--warm" in sys.argv:
        import_heavy_modules()
    send(channel_out, {"type": "ready"})
    try:
        request = receive(channel_in)
    except EOFError:
        return
    try:
        result = supervise(request, channel_in, channel_out)
    except Exception as error:  # never leave the host without an answer
        result = {
            "type": "result",
            "status": "error",
            "error": f"The sandbox could not collect this run's results ({type(error).__name__}). Run the code again; if it keeps happening, tell the site's staff.",
            "stdout": "",
            "stderr": "",
            "duration_s": 0,
            "checks": [],
            "figures": [],
            "files": [],
        }
    send(channel_out, result)
