"""The program that runs inside the sandbox: it executes one learner's code, exactly once.

It is started by the host inside bubblewrap and talks to it over stdin/stdout with
length-prefixed JSON messages. It uses only the standard library (plus pandas, numpy
and matplotlib when the learner's code or the checks use them), and never imports
anything from the web application.

Trust inside the sandbox: this process (the "supervisor") never runs learner code. It
forks a child that does, reads the child's output through pipes with caps, and takes
from it only plain data: a data-only snapshot of the final variables (no pickle), the
figures as drawing primitives and PNGs. The exercise's checks are fetched from the host
only after the child is gone, and run here on objects rebuilt from that data, so
printing "PASS", patching builtins or reading the check source from memory cannot
change or reveal a verdict. The supervisor is made non-dumpable so the child cannot
reach its memory or file descriptors through /proc.
"""

from __future__ import annotations

# Only what every run needs is imported up front: each millisecond here is paid by
# every run. The rest (json, ast, traceback, base64, io...) is imported where it is used.
import marshal
import math
import os
import resource
import select
import signal
import stat
import struct
import sys
import time


class suppress:
    def __init__(self, *exceptions: type[BaseException]) -> None:
        self.exceptions = exceptions

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is not None and issubclass(kind, self.exceptions)


WORK = os.environ.get("LESSONBOX_WORK", "/work")
CELL = "<exercise>"
HEAVY_MODULES = ("numpy", "pandas", "matplotlib")
MAX_MESSAGE = 64 * 1024 * 1024
MAX_VARIABLES_BYTES = 16 * 1024 * 1024
MAX_FIGURES = 10
MAX_FIGURE_BYTES = 2 * 1024 * 1024
MAX_FILES = 20
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REPR = 10_000
TABLE_ROWS = 30
TABLE_COLUMNS = 20


# ----------------------------------------------------------------------------- protocol


# Host to guest: marshal (the host is trusted, and marshal is built in: no import cost).
# Guest to host: JSON, written by the small encoder below (the json module would cost
# every run several milliseconds of imports, mostly the re module).
_JSON_ESCAPES = {codepoint: f"\\u{codepoint:04x}" for codepoint in range(32)} | {ord('"'): '\\"', ord("\\"): "\\\\"}


def to_json(value) -> str:
    """Return JSON for plain data (None, bools, ints, finite floats, str, lists, tuples, dicts)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value)) if math.isfinite(value) else "null"
    if isinstance(value, str):
        return '"' + value.translate(_JSON_ESCAPES) + '"'
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(to_json(str(key)) + ":" + to_json(item) for key, item in value.items()) + "}"
    return to_json(str(value))


def send(stream, message: dict) -> None:
    body = to_json(message).encode("utf-8", "replace")
    stream.write(struct.pack(">I", len(body)) + body)
    stream.flush()


def receive(stream) -> dict:
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError("the host closed the channel")
    (length,) = struct.unpack(">I", header)
    if length > MAX_MESSAGE:
        raise ValueError("message too large")
    message = marshal.loads(stream.read(length))  # noqa: S302 - written by the host, never by learner code
    if not isinstance(message, dict):
        raise ValueError("unexpected message")
    return message


# --------------------------------------------------------------- data-only value transport


def _finite(number: float):
    if math.isnan(number):
        return {"__float__": "nan"}
    if math.isinf(number):
        return {"__float__": "inf" if number > 0 else "-inf"}
    return number


def encode(value, depth: int = 0):
    """Turn a value into JSON-safe plain data, or an opaque marker; never call its methods beyond reading."""
    if depth > 6:
        return {"__opaque__": type(value).__name__}
    if value is None or isinstance(value, bool | int | str):
        return value if not isinstance(value, int) or abs(value) < 2**63 else {"__int__": str(value)}
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [encode(item, depth + 1) for item in list(value)[:10_000]]
        kind = {list: "list", tuple: "tuple"}.get(type(value), "set")
        return items if kind == "list" else {"__" + kind + "__": items}
    if isinstance(value, dict):
        return {"__dict__": [[encode(key, depth + 1), encode(item, depth + 1)] for key, item in list(value.items())[:10_000]]}
    numpy = sys.modules.get("numpy")
    pandas = sys.modules.get("pandas")
    if numpy is not None:
        if isinstance(value, numpy.generic):
            return encode(value.item(), depth)
        if isinstance(value, numpy.ndarray):
            if value.size > 2_000_000:
                return {"__opaque__": "ndarray (too large)"}
            return {"__ndarray__": str(value.dtype), "shape": list(value.shape), "data": encode(value.tolist(), depth + 1)}
    if pandas is not None:
        if isinstance(value, pandas.Timestamp | pandas.Timedelta | pandas.Period):
            return {"__pandas_scalar__": type(value).__name__, "value": str(value)}
        if value is pandas.NaT:
            return {"__pandas_scalar__": "NaT"}
        if isinstance(value, pandas.Index):
            return _encode_index(value, depth)
        if isinstance(value, pandas.Series):
            return {"__series__": _encode_column(value), "name": encode(value.name, depth + 1), "index": _encode_index(value.index, depth)}
        if isinstance(value, pandas.DataFrame):
            columns = [[encode(name, depth + 1), _encode_column(value.iloc[:, position])] for position, name in enumerate(value.columns)]
            return {"__dataframe__": columns, "index": _encode_index(value.index, depth), "columns_index": _encode_index(value.columns, depth)}
    import datetime

    if isinstance(value, datetime.datetime | datetime.date | datetime.time | datetime.timedelta):
        return {"__datetime__": type(value).__name__, "value": str(value)}
    return {"__opaque__": type(value).__name__}


def _encode_column(series) -> dict:
    dtype = str(series.dtype)
    values = series.astype(object).where(series.notna(), None).tolist() if dtype not in ("float64", "float32") else series.tolist()
    return {"dtype": dtype, "values": [encode(item, 5) for item in values]}


def _encode_index(index, depth: int) -> dict:
    pandas = sys.modules["pandas"]
    if isinstance(index, pandas.MultiIndex):
        return {
            "__multiindex__": [encode(list(item), depth + 1) for item in index.tolist()],
            "names": [encode(name, depth + 1) for name in index.names],
        }
    if isinstance(index, pandas.RangeIndex):
        return {"__rangeindex__": [index.start, index.stop, index.step], "name": encode(index.name, depth + 1)}
    return {"__index__": _encode_column(index.to_series()), "name": encode(index.name, depth + 1)}


class Opaque:
    """Stands in for a value the sandbox does not carry across (a function, a module, a model...)."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def decode(data):
    """Rebuild plain Python, numpy and pandas objects from encode()'s output."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "__float__" in data:
        return float(data["__float__"])
    if "__int__" in data:
        return int(data["__int__"])
    if "__tuple__" in data:
        return tuple(decode(item) for item in data["__tuple__"])
    if "__set__" in data:
        return {_hashable(decode(item)) for item in data["__set__"]}
    if "__dict__" in data:
        return {_hashable(decode(key)): decode(value) for key, value in data["__dict__"]}
    if "__opaque__" in data:
        return Opaque(str(data["__opaque__"]))
    if "__datetime__" in data:
        import datetime

        kind, text = data["__datetime__"], data["value"]
        parsers = {"datetime": datetime.datetime.fromisoformat, "date": datetime.date.fromisoformat, "time": datetime.time.fromisoformat}
        return parsers[kind](text) if kind in parsers else Opaque(kind)
    import numpy
    import pandas

    if "__ndarray__" in data:
        return numpy.array(decode(data["data"]), dtype=_safe_dtype(data["__ndarray__"])).reshape(data["shape"])
    if "__pandas_scalar__" in data:
        kind = data["__pandas_scalar__"]
        return {"Timestamp": pandas.Timestamp, "Timedelta": pandas.Timedelta, "Period": pandas.Period}.get(kind, lambda _: pandas.NaT)(
            data.get("value")
        )
    if "__series__" in data:
        return pandas.Series(_decode_column(data["__series__"]), index=decode_index(data["index"]), name=decode(data["name"]))
    if "__dataframe__" in data:
        columns = {position: _decode_column(column) for position, (_name, column) in enumerate(data["__dataframe__"])}
        frame = pandas.DataFrame(columns, index=decode_index(data["index"]))
        frame.columns = decode_index(data["columns_index"])
        return frame
    if any(key in data for key in ("__index__", "__rangeindex__", "__multiindex__")):
        return decode_index(data)
    return Opaque("unknown")


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


_SAFE_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "complex128", "object", "str"}


def _safe_dtype(name: str) -> str:
    return name if name in _SAFE_DTYPES else "object"


def _decode_column(column: dict):
    """Return the column's values as an array (never a Series: that would realign on its index)."""
    import pandas

    values = [decode(item) for item in column["values"]]
    dtype = column["dtype"]
    series = pandas.Series(values, dtype="object")
    try:
        if dtype.startswith("datetime64"):
            series = pandas.to_datetime(series).astype(dtype)
        elif dtype.startswith("timedelta64"):
            series = pandas.to_timedelta(series).astype(dtype)
        elif dtype == "category":
            series = series.astype("category")
        elif dtype in ("Int64", "Float64", "boolean", "string", "str") or dtype in _SAFE_DTYPES:
            series = series.astype(dtype)
    except (TypeError, ValueError):
        pass
    return series.array


def decode_index(data: dict):
    import pandas

    if "__rangeindex__" in data:
        start, stop, step = data["__rangeindex__"]
        return pandas.RangeIndex(start, stop, step, name=decode(data["name"]))
    if "__multiindex__" in data:
        return pandas.MultiIndex.from_tuples([tuple(decode(item)) for item in data["__multiindex__"]], names=decode(data["names"]))
    return pandas.Index(_decode_column(data["__index__"]), name=decode(data["name"]))


# ----------------------------------------------------------------------------- figures


def describe_figures() -> list[dict]:
    """Return each open matplotlib figure as a PNG plus the primitives checks look at."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    import base64
    import io

    figures = []
    for number in pyplot.get_fignums()[:MAX_FIGURES]:
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        with suppress(Exception):
            figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        png = buffer.getvalue()
        suptitle = getattr(figure, "_suptitle", None)
        figures.append(
            {
                "png": base64.b64encode(png).decode() if 0 < len(png) <= MAX_FIGURE_BYTES else "",
                "suptitle": suptitle.get_text() if suptitle is not None else "",
                "size": [float(value) for value in figure.get_size_inches()],
                "axes": [_describe_axes(axes) for axes in figure.get_axes()[:20]],
            }
        )
    return figures


def _describe_axes(axes) -> dict:
    from matplotlib.container import BarContainer
    from matplotlib.patches import Rectangle

    containers, in_containers = [], set()
    for container in axes.containers:
        if isinstance(container, BarContainer):
            bars = [[float(patch.get_x()), float(patch.get_y()), float(patch.get_width()), float(patch.get_height())] for patch in container.patches]
            in_containers.update(id(patch) for patch in container.patches)
            containers.append(
                {"orientation": getattr(container, "orientation", None) or "vertical", "bars": bars, "label": str(container.get_label())}
            )
    rectangles = [
        [float(patch.get_x()), float(patch.get_y()), float(patch.get_width()), float(patch.get_height())]
        for patch in axes.patches
        if isinstance(patch, Rectangle) and id(patch) not in in_containers
    ]
    lines = [
        {"x": encode(list(line.get_xdata())), "y": encode(list(line.get_ydata())), "label": str(line.get_label())} for line in axes.get_lines()[:50]
    ]
    scatter = [encode(collection.get_offsets().tolist()) for collection in axes.collections[:20] if hasattr(collection, "get_offsets")]
    legend = axes.get_legend()
    return {
        "title": axes.get_title(),
        "xlabel": axes.get_xlabel(),
        "ylabel": axes.get_ylabel(),
        "xlim": [_finite(float(value)) for value in axes.get_xlim()],
        "ylim": [_finite(float(value)) for value in axes.get_ylim()],
        "xscale": axes.get_xscale(),
        "yscale": axes.get_yscale(),
        "containers": containers,
        "rectangles": rectangles,
        "lines": lines,
        "scatter": scatter,
        "xticks": [[_finite(float(tick)), label.get_text()] for tick, label in zip(axes.get_xticks(), axes.get_xticklabels(), strict=False)],
        "yticks": [[_finite(float(tick)), label.get_text()] for tick, label in zip(axes.get_yticks(), axes.get_yticklabels(), strict=False)],
        "legend": [text.get_text() for text in legend.get_texts()] if legend is not None else [],
    }


def rebuild_figure(description: dict):
    """Draw a fresh matplotlib Figure from a description, for checks to inspect."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=description.get("size") or None)
    if description.get("suptitle"):
        figure.suptitle(description["suptitle"])
    for data in description.get("axes", []):
        axes = figure.add_subplot(len(description["axes"]), 1, len(figure.axes) + 1)
        for container in data["containers"]:
            bars = container["bars"]
            if not bars:
                continue
            x, y, width, height = zip(*bars, strict=True)
            if container["orientation"] == "horizontal":
                axes.barh(y, width, height=height, left=x, align="edge", label=container["label"])
            else:
                axes.bar(x, height, width=width, bottom=y, align="edge", label=container["label"])
        for x, y, width, height in data["rectangles"]:
            axes.add_patch(Rectangle((x, y), width, height))
        for line in data["lines"]:
            axes.plot(decode(line["x"]), decode(line["y"]), label=line["label"])
        for offsets in data["scatter"]:
            points = decode(offsets)
            if points:
                axes.scatter([point[0] for point in points], [point[1] for point in points])
        axes.set_title(data["title"])
        axes.set_xlabel(data["xlabel"])
        axes.set_ylabel(data["ylabel"])
        with suppress(ValueError):
            axes.set_xscale(data["xscale"])
            axes.set_yscale(data["yscale"])
        if data["xticks"]:
            axes.set_xticks([decode(tick) for tick, _ in data["xticks"]], [label for _, label in data["xticks"]])
        if data["yticks"]:
            axes.set_yticks([decode(tick) for tick, _ in data["yticks"]], [label for _, label in data["yticks"]])
        axes.set_xlim(*[decode(value) for value in data["xlim"]])
        axes.set_ylim(*[decode(value) for value in data["ylim"]])
        if data["legend"]:
            axes.legend(data["legend"])
    return figure


# ---------------------------------------------------------------------- the learner's child


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
    """In the forked child: run the code, then write a data-only report to result_fd and exit."""
    import _ast  # the compiler's own node types (built in); the ast module costs milliseconds

    report: dict = {"error": None, "display": None}
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
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
            kind = "disk" if isinstance(error, OSError) and error.errno in (27, 28) else "exception"  # EFBIG, ENOSPC
            report["error"] = {"kind": kind, "text": learner_traceback(error, code)}
    with suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    try:
        report["figures"] = describe_figures()
        snapshot = {}
        for name, value in list(namespace.items()):
            if name.startswith("_") or type(value).__name__ in ("module", "function", "type", "builtin_function_or_method"):
                continue
            snapshot[name] = encode(value)
        report["variables"] = snapshot
        body = b"" if not any(report.values()) else to_json(report).encode("utf-8", "replace")  # nothing to say: say nothing
        if len(body) > MAX_VARIABLES_BYTES + MAX_FIGURES * MAX_FIGURE_BYTES * 2:
            report["variables"], report["figures"] = {}, []
            report["note"] = "The variables and figures were too large to bring back."
            body = to_json(report).encode("utf-8", "replace")
        with os.fdopen(result_fd, "wb") as out:
            out.write(body)
    finally:
        os._exit(0)


# ------------------------------------------------------------------------------ supervisor


def _make_undumpable() -> None:
    # PR_SET_DUMPABLE = 4: /proc/<this pid>/{mem,fd,environ} become root-only, so the
    # learner's process (same uid) cannot read or write this supervisor through /proc.
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)


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
                if reported > MAX_VARIABLES_BYTES + MAX_FIGURES * MAX_FIGURE_BYTES * 2:
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


def _written_files() -> list[dict]:
    """List the regular files the learner's code left in the work directory (never following links)."""
    found: list[dict] = []
    for folder, directories, files in os.walk(WORK):
        relative_folder = os.path.relpath(folder, WORK)
        if relative_folder != "." and (relative_folder == "data" or relative_folder.startswith(("data/", ".")) or "/." in relative_folder):
            directories[:] = []
            continue
        directories[:] = [name for name in directories if not name.startswith(".")]
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or name.startswith("."):
                continue
            entry = {"name": os.path.relpath(path, WORK), "size": info.st_size, "content": ""}
            if info.st_size <= MAX_FILE_BYTES:
                import base64

                with suppress(OSError), open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NOFOLLOW)) as handle:
                    entry["content"] = base64.b64encode(handle.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]).decode()
            found.append(entry)
            if len(found) >= MAX_FILES:
                return found
    return found


class Learner:
    """What a check sees: the final variables, everything printed, and the figures."""

    def __init__(self, variables: dict, stdout: str, figures: list) -> None:
        self.variables = variables
        self.stdout = stdout
        self.figures = figures


def run_checks(source: str, learner: Learner) -> list[dict]:
    results = []
    # As if check.py sat in the exercise folder, which is the work directory here.
    namespace: dict = {"__name__": "exercise_checks", "__file__": os.path.join(WORK, "check.py")}
    try:
        exec(compile(source, "check.py", "exec"), namespace)  # noqa: S102 - the author's checks
    except Exception as error:
        return [
            {"name": "checks", "title": "The checks could not load", "passed": False, "message": f"{type(error).__name__}: {error}", "broken": True}
        ]
    for name, function in namespace.items():
        if not name.startswith("check_") or not callable(function):
            continue
        title = ((function.__doc__ or "").strip().splitlines() or [name.removeprefix("check_").replace("_", " ").capitalize()])[0]
        try:
            function(learner)
            results.append({"name": name, "title": title, "passed": True, "message": ""})
        except AssertionError as error:
            results.append({"name": name, "title": title, "passed": False, "message": str(error) or "Not yet."})
        except Exception as error:
            results.append(
                {"name": name, "title": title, "passed": False, "message": f"This check could not finish: {type(error).__name__}: {error}"}
            )
    return results


def supervise(request: dict, channel_in, channel_out) -> dict:
    limits = request["limits"]
    code = request["code"]
    if request.get("uses_heavy_modules"):
        _import_heavy_modules()
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
        run_learner_code(code, limits, result_write)
    os.close(stdout_write)
    os.close(stderr_write)
    os.close(result_write)
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
        "checks": [],
        "error": None,
    }
    report = _parse_report(report_bytes, os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and stopped is None)
    result.update(_status_of(stopped, status, report, limits))
    if report is not None:
        result["display"] = report.get("display")
        result["figures"] = report.get("figures") or []
    result["files"] = _written_files()
    if request.get("has_checks") and result["status"] in ("ok", "error"):
        report = report or {}  # a code that broke its own report gets checked against nothing
        send(channel_out, {"type": "need-checks"})
        checks = receive(channel_in)
        learner = Learner(
            variables={name: decode(value) for name, value in (report.get("variables") or {}).items()},
            stdout=result["stdout"],
            figures=[rebuild_figure(figure) for figure in result["figures"]],
        )
        result["checks"] = run_checks(checks["source"], learner)
    for figure in result["figures"]:
        figure.pop("axes", None)  # the primitives served the checks; the page shows the PNG
    return result


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
    if stopped == "timeout":
        return {"status": "timeout", "error": f"The code ran longer than {limits['wall_seconds']} seconds and was stopped."}
    if stopped == "output":
        return {"status": "limit", "error": f"The code printed more than {limits['output_kb']} KB and was stopped."}
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGXCPU,) or (number == signal.SIGKILL and report is None and _cpu_exhausted()):
            return {"status": "timeout", "error": f"The code used more than {limits['cpu_seconds']} seconds of CPU time and was stopped."}
        if number == signal.SIGXFSZ:
            return {"status": "limit", "error": f"The code wrote a file larger than {limits['disk_mb']} MB."}
        return {"status": "killed", "error": f"The code was stopped by signal {signal.Signals(number).name} (often: too much memory)."}
    if report is None:
        return {"status": "error", "error": "The code ended without a report (it may have exited the interpreter abruptly)."}
    error = report.get("error")
    if error is None:
        return {"status": "ok", "error": None}
    if error["kind"] == "memory":
        return {"status": "limit", "error": f"The code needed more than {limits['memory_mb']} MB of memory.", "traceback": error["text"]}
    if error["kind"] == "disk":
        return {"status": "limit", "error": f"The code wrote more than {limits['disk_mb']} MB.", "traceback": error["text"]}
    return {"status": "error", "error": error["text"].strip().splitlines()[-1], "traceback": error["text"]}


def _cpu_exhausted() -> bool:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime > 0.9


def _import_heavy_modules() -> None:
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


def _add_site_packages() -> None:
    # Started with -S (no site module: it costs every run a few milliseconds), so the
    # virtual environment's packages folder, next to the interpreter, is added directly.
    environment = os.path.dirname(os.path.dirname(sys.executable))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    folder = os.path.join(environment, "lib", version, "site-packages")
    if os.path.exists(os.path.join(environment, "pyvenv.cfg")) and os.path.isdir(folder) and folder not in sys.path:
        sys.path.append(folder)


def main() -> None:
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
        _import_heavy_modules()
    send(channel_out, {"type": "ready"})
    try:
        request = receive(channel_in)
    except EOFError:
        return
    result = supervise(request, channel_in, channel_out)
    send(channel_out, result)


if __name__ == "__main__":
    main()
