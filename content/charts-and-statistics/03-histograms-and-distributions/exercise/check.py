import numbers

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle


def _expected():
    orders = pd.read_csv("data/deliveries.csv")
    times = orders["delivery_minutes"].dropna().astype(float)
    q1, q3 = times.quantile(0.25), times.quantile(0.75)
    fence = q3 + 1.5 * (q3 - q1)
    return {
        "times": times,
        "n_missing": int(orders["delivery_minutes"].isna().sum()),
        "mean": times.mean(),
        "median": times.median(),
        "mean_zero_filled": orders["delivery_minutes"].fillna(0).mean(),
        "fence": fence,
        "n_slow": int((times > fence).sum()),
    }


def _number(learner, name, hint):
    assert name in learner.variables, f"Create a variable called {name}. {hint}"
    value = learner.variables[name]
    assert value is not None, f"{name} is still None: replace None with your calculation. {hint}"
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(value) == 1:
        value = np.asarray(value).ravel()[0]
    assert isinstance(value, numbers.Real) and not isinstance(value, bool), (
        f"{name} should be a single number, but it is a {type(value).__name__}. {hint}"
    )
    assert not np.isnan(value), f"{name} is NaN. {hint}"
    return float(value)


def check_centre(learner):
    """The mean and median skip the cancelled orders"""
    exp = _expected()
    mean = _number(learner, "mean_minutes", "Use minutes.mean().")
    median = _number(learner, "median_minutes", "Use minutes.median().")
    if abs(mean - exp["mean_zero_filled"]) < 0.01:
        raise AssertionError(
            "mean_minutes counts the cancelled orders as 0-minute deliveries, which drags it down. "
            "Drop the missing values with .dropna() instead of filling them with 0."
        )
    if abs(mean - exp["median"]) < 0.01 and abs(median - exp["mean"]) < 0.01:
        raise AssertionError("mean_minutes and median_minutes look swapped.")
    assert abs(mean - exp["mean"]) < 0.051, (
        f"mean_minutes is {mean:.2f}, which doesn't match the mean delivery time. "
        "Compute it from the delivery_minutes column with the missing values dropped."
    )
    assert abs(median - exp["median"]) < 0.051, (
        f"median_minutes is {median:.2f}, which doesn't match the median delivery time. "
        "Use minutes.median()."
    )


def check_fence(learner):
    """Slow deliveries are found with the 1.5 × IQR rule"""
    exp = _expected()
    fence = _number(
        learner, "upper_fence", "It is Q3 + 1.5 * (Q3 - Q1), with Q1 = minutes.quantile(0.25)."
    )
    if abs(fence - (exp["times"].quantile(0.75) + 1.5 * exp["times"].quantile(0.25))) < 0.01:
        raise AssertionError(
            "upper_fence looks like Q3 + 1.5 × Q1. The rule uses the IQR, the distance between "
            "the quartiles: Q3 + 1.5 * (Q3 - Q1)."
        )
    assert abs(fence - exp["fence"]) < 0.051, (
        f"upper_fence is {fence:.2f}, but Q3 + 1.5 × IQR for these delivery times is different. "
        "Check that Q1 is the 25th percentile, Q3 the 75th, and IQR = Q3 - Q1."
    )
    n_slow = _number(learner, "n_slow", "Count the deliveries above the fence: (minutes > upper_fence).sum().")
    assert n_slow == exp["n_slow"], (
        f"n_slow is {n_slow:g}, but a different number of deliveries took longer than the fence. "
        "Count them with (minutes > upper_fence).sum()."
    )


def check_bins(learner):
    """The bin edges are 5 minutes apart and cover every delivery"""
    exp = _expected()
    assert "bins" in learner.variables, "Create a variable called bins, e.g. with np.arange(0, ..., 5)."
    raw = learner.variables["bins"]
    try:
        edges = np.asarray(list(raw), dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(
            "bins should be a list or array of bin edges, for example np.arange(0, 155, 5)."
        ) from None
    assert edges.ndim == 1 and edges.size >= 2, (
        "bins should be a list or array of at least two bin edges, for example np.arange(0, 155, 5)."
    )
    assert edges[0] == 0, f"Start the bins at 0, not at {edges[0]:g}."
    assert np.allclose(np.diff(edges), 5), (
        "The bin edges should be exactly 5 minutes apart: 0, 5, 10, 15, ..."
    )
    longest = exp["times"].max()
    assert edges[-1] >= longest, (
        f"Your last edge is {edges[-1]:g}, but the longest delivery took {longest:g} minutes, "
        "so it would fall outside every bin. Let the edges run past the maximum, e.g. "
        "np.arange(0, minutes.max() + 5, 5)."
    )


def check_histogram(learner):
    """One labelled histogram counts every delivered order in 5-minute bins"""
    exp = _expected()
    assert len(learner.figures) >= 1, (
        "No figure is open. Create one with fig, ax = plt.subplots() and draw with ax.hist "
        "(and don't call plt.show() or plt.close())."
    )
    assert len(learner.figures) == 1, (
        f"There are {len(learner.figures)} figures open; the task asks for exactly one."
    )
    axes = [ax for ax in learner.figures[0].get_axes() if ax.patches]
    assert axes, "Your figure has no histogram bars yet. Draw them with ax.hist(minutes, bins=bins)."
    ax = axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert bars, (
        "The histogram isn't drawn as bars. Use the default style: ax.hist(minutes, bins=bins)."
    )
    widths = np.array([p.get_width() for p in bars])
    assert np.allclose(widths, 5, atol=0.01), (
        "The histogram's bars should each be 5 minutes wide. Pass your edges: ax.hist(minutes, bins=bins)."
    )
    total = sum(p.get_height() for p in bars)
    n = len(exp["times"])
    area = sum(p.get_height() * p.get_width() for p in bars)
    if abs(area - 1) < 0.01:
        raise AssertionError(
            "The bars show a density (density=True), not counts. Leave density out so the "
            "y-axis shows the number of orders."
        )
    if abs(total - n - exp["n_missing"]) < 0.5:
        raise AssertionError("The histogram counts the cancelled orders too. Plot minutes, with missing values dropped.")
    assert abs(total - n) < 0.5, (
        f"The bars add up to {total:g} orders, but {n} orders have a delivery time. "
        "Plot all of minutes, with bins that cover the whole range."
    )
    assert ax.get_title().strip() or learner.figures[0].get_suptitle().strip(), (
        'Add a title with ax.set_title("...").'
    )
    xlabel, ylabel = ax.get_xlabel().strip(), ax.get_ylabel().strip()
    assert xlabel and ylabel, "Label both axes with ax.set_xlabel(...) and ax.set_ylabel(...)."
    assert "min" in xlabel.lower(), (
        f'The x-axis is labelled "{xlabel}", without a unit. Say it, e.g. "Delivery time (minutes)".'
    )
