"""Values and figures cross from the learner's process to the checks as plain data only."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sandbox_runner.guest import figures, transport


def roundtrip(value):
    return transport.decode(json.loads(json.dumps(transport.encode(value), allow_nan=False)))


@pytest.mark.parametrize("value", [None, True, 3, 2**70, 1.5, "text", [1, [2, "x"]], (1, 2), {"a": (1, 2)}, {3, 4}])
def test_plain_values_come_back_equal(value):
    assert roundtrip(value) == value


def test_special_floats_survive():
    values = roundtrip([math.nan, math.inf, -math.inf])

    assert math.isnan(values[0])
    assert values[1:] == [math.inf, -math.inf]


def test_a_dataframe_keeps_its_columns_dtypes_and_index():
    frame = pd.DataFrame(
        {
            "city": ["Lyon", "Porto", None],
            "rain": [831.0, math.nan, 822.5],
            "days": [1, 2, 3],
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
        },
        index=pd.Index(["a", "b", "c"], name="key"),
    )
    frame["kind"] = pd.Categorical(["x", "y", "x"])

    back = roundtrip(frame)

    pd.testing.assert_frame_equal(back, frame)


def test_a_series_with_a_string_index_keeps_its_values():
    series = pd.Series([121.7, 107.6], index=pd.Index(["Chloé", "Amara"], name="runner"), name="km")

    pd.testing.assert_series_equal(roundtrip(series), series)


def test_a_multiindex_and_numpy_arrays_survive():
    grouped = (
        pd.DataFrame({"region": ["N", "N", "S"], "month": [1, 2, 1], "revenue": [10.0, 20.0, 5.0]}).groupby(["region", "month"])["revenue"].sum()
    )

    pd.testing.assert_series_equal(roundtrip(grouped), grouped)
    np.testing.assert_array_equal(roundtrip(np.arange(6).reshape(2, 3)), np.arange(6).reshape(2, 3))


def test_objects_that_cannot_cross_become_opaque_markers():
    class Model:
        pass

    back = roundtrip({"model": Model(), "function": print})

    assert repr(back["model"]) == "<Model>"
    assert isinstance(back["function"], transport.Opaque)


def test_a_figure_is_rebuilt_with_what_checks_look_at():
    figure, axes = plt.subplots()
    axes.bar(["a", "b", "c"], [3, 1, 2])
    axes.plot([0, 1, 2], [1, 2, 3], label="trend")
    axes.set_title("Totals")
    axes.set_xlabel("Runner")
    axes.set_ylabel("Distance (km)")
    figure.suptitle("March")

    description = json.loads(json.dumps(figures.describe_figures()[0]))
    rebuilt = figures.rebuild_figure(description)
    plt.close("all")

    rebuilt_axes = rebuilt.axes[0]
    assert (rebuilt_axes.get_title(), rebuilt_axes.get_xlabel(), rebuilt_axes.get_ylabel()) == ("Totals", "Runner", "Distance (km)")
    assert [patch.get_height() for patch in rebuilt_axes.patches] == [3, 1, 2]
    assert len(rebuilt_axes.containers) == 1
    assert list(rebuilt_axes.get_lines()[0].get_ydata()) == [1, 2, 3]
    assert [label.get_text() for label in rebuilt_axes.get_xticklabels()][:3] == ["a", "b", "c"]
    assert rebuilt.get_suptitle() == "March"
    assert description["png"]
