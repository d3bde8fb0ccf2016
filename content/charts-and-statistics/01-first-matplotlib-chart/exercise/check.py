import numpy as np
import pandas as pd
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle


def _expected_km():
    runs = pd.read_csv("data/club_runs.csv")
    return runs.groupby("runner")["distance_m"].sum() / 1000


def _as_series(value):
    """Accept a Series, or a DataFrame with exactly one numeric column."""
    if isinstance(value, pd.DataFrame):
        numeric = value.select_dtypes("number")
        if numeric.shape[1] == 1:
            return numeric.iloc[:, 0]
        return None
    if isinstance(value, pd.Series):
        return value
    return None


def _the_axes(learner):
    figures = learner.figures
    assert len(figures) >= 1, (
        "No figure is open. Create one with fig, ax = plt.subplots() and draw your bars on ax "
        "(and don't call plt.show() or plt.close())."
    )
    assert len(figures) == 1, (
        f"There are {len(figures)} figures open, but the task asks for exactly one. "
        "Call plt.subplots() only once, or close extra figures you made while experimenting."
    )
    axes = [ax for ax in figures[0].get_axes() if ax.patches]
    assert axes, "Your figure has no bars yet. Draw them with ax.bar(names, values)."
    return axes[0]


def _bar_values(ax):
    """Bar lengths, whether drawn with ax.bar (heights) or ax.barh (widths)."""
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    if containers:
        values = []
        for c in containers:
            horizontal = getattr(c, "orientation", None) == "horizontal"
            values += [p.get_width() if horizontal else p.get_height() for p in c.patches]
        return values
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    return [p.get_height() for p in rects]


def check_totals(learner):
    """totals_km holds each runner's total distance in kilometres, largest first"""
    assert "totals_km" in learner.variables, "Create a variable called totals_km."
    totals = _as_series(learner.variables["totals_km"])
    assert totals is not None, (
        "totals_km should be a pandas Series with one number per runner, for example "
        'runs.groupby("runner")["distance_m"].sum() / 1000.'
    )
    totals = pd.to_numeric(totals, errors="coerce")
    assert totals.notna().all(), (
        "totals_km contains missing or non-numeric values. Each runner should have a number: "
        "their summed distance_m divided by 1000."
    )
    expected = _expected_km()
    assert len(totals) == len(expected), (
        f"totals_km has {len(totals)} values, but there are {len(expected)} runners. "
        "Group by the runner column so each runner gets exactly one total."
    )
    assert set(map(str, totals.index)) == set(expected.index), (
        "The index of totals_km should be the runners' names. Group by the runner column."
    )
    values = totals.rename(index=str).reindex(expected.index).astype(float)
    if np.allclose(values, expected * 1000, rtol=1e-6):
        raise AssertionError(
            "Your totals are still in metres. Divide by 1000 to get kilometres."
        )
    assert np.allclose(values, expected, rtol=1e-6), (
        "Some totals don't match. Add up distance_m for each runner (use sum, not mean or "
        "count) and divide by 1000."
    )
    ordered = totals.astype(float).to_numpy()
    assert np.all(np.diff(ordered) <= 1e-9), (
        "Sort totals_km from largest to smallest with .sort_values(ascending=False)."
    )


def check_bars(learner):
    """One figure with one bar per runner, at the right heights"""
    ax = _the_axes(learner)
    values = _bar_values(ax)
    expected = _expected_km()
    assert len(values) == len(expected), (
        f"Your chart has {len(values)} bars, but there are {len(expected)} runners. "
        "Draw one bar per runner from totals_km."
    )
    got = np.sort(np.nan_to_num(np.asarray(values, dtype=float)))
    want = np.sort(expected.to_numpy(dtype=float))
    if np.allclose(got, want * 1000, rtol=1e-6):
        raise AssertionError("The bars show metres. Plot totals_km, which is in kilometres.")
    assert np.allclose(got, want, rtol=1e-6), (
        "The bar heights don't match each runner's total in km. Plot totals_km directly: "
        "ax.bar(totals_km.index, totals_km.values)."
    )


def check_labels(learner):
    """The chart has a title and labelled axes, with the unit on the value axis"""
    ax = _the_axes(learner)
    title = ax.get_title().strip() or ax.figure.get_suptitle().strip()
    assert title, 'Add a title with ax.set_title("...").'
    xlabel = ax.get_xlabel().strip()
    ylabel = ax.get_ylabel().strip()
    assert xlabel, 'Label the x-axis with ax.set_xlabel("...").'
    assert ylabel, 'Label the y-axis with ax.set_ylabel("...").'
    horizontal = any(
        getattr(c, "orientation", None) == "horizontal"
        for c in ax.containers
        if isinstance(c, BarContainer)
    )
    value_label = xlabel if horizontal else ylabel
    assert "km" in value_label.lower() or "kilomet" in value_label.lower(), (
        f'The value axis is labelled "{value_label}", without a unit. '
        'Say what is measured and in what unit, for example "Distance (km)".'
    )
