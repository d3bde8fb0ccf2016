"""Values cross from the learner's process to the checks as plain data, never pickle.

encode() runs in the learner's child: it reads values (never calls their methods beyond
reading) and turns them into JSON-safe data or opaque markers. decode() runs in the
supervisor, on that data only, to rebuild plain Python, numpy and pandas objects.
"""

from __future__ import annotations

import math
import sys


def finite(number: float):
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
        return finite(value)
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
