import os

import numpy as np
import pandas as pd

_N_SHUFFLES = 20_000


def _load_orders():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", "checkout_test.csv")
    if not os.path.exists(path):
        path = os.path.join("data", "checkout_test.csv")
    orders = pd.read_csv(path)
    return orders.dropna(subset=["order_value"])


def _groups():
    orders = _load_orders()
    a = orders.loc[orders["variant"] == "A", "order_value"].to_numpy(dtype=float)
    b = orders.loc[orders["variant"] == "B", "order_value"].to_numpy(dtype=float)
    return a, b


def _number(learner, name, what):
    """Return the learner's variable `name` as a float, or fail with a hint."""
    if name not in learner.variables:
        raise AssertionError(
            f"Create a variable called {name} holding {what}. "
            "Check the spelling: Python names are case-sensitive."
        )
    value = learner.variables[name]
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)):
        if np.size(value) != 1:
            raise AssertionError(
                f"{name} should be a single number ({what}), but it holds "
                f"{np.size(value)} values. Did you forget to call .mean()?"
            )
        value = np.asarray(value).ravel()[0]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise AssertionError(
            f"{name} should be a number ({what}), but it is a {type(value).__name__}."
        )
    value = float(value)
    if np.isnan(value):
        raise AssertionError(
            f"{name} is NaN. Missing order values are probably still in your data: "
            "drop them with orders.dropna(subset=['order_value']) before computing."
        )
    return value


def check_group_means(learner):
    """The mean order value of each variant is correct"""
    a, b = _groups()
    mean_a = _number(learner, "mean_a", "the mean order_value of variant A")
    mean_b = _number(learner, "mean_b", "the mean order_value of variant B")
    if abs(mean_a - b.mean()) < 0.01 and abs(mean_b - a.mean()) < 0.01:
        raise AssertionError("mean_a and mean_b look swapped: mean_a should be for variant A.")
    assert abs(mean_a - a.mean()) < 0.01, (
        f"mean_a is {mean_a:.2f}, which is not the mean order_value of variant A. "
        "Select the rows with orders['variant'] == 'A' and take the mean of order_value."
    )
    assert abs(mean_b - b.mean()) < 0.01, (
        f"mean_b is {mean_b:.2f}, which is not the mean order_value of variant B. "
        "Select the rows with orders['variant'] == 'B' and take the mean of order_value."
    )


def check_difference(learner):
    """The difference in means is B minus A"""
    a, b = _groups()
    expected = b.mean() - a.mean()
    diff = _number(learner, "diff", "mean_b - mean_a")
    if abs(diff + expected) < 0.01:
        raise AssertionError(
            "diff has the right size but the wrong sign. Compute mean_b - mean_a, "
            "so that a positive number means the new page did better."
        )
    assert abs(diff - expected) < 0.01, (
        f"diff is {diff:.2f}, but mean_b - mean_a should be about {expected:.2f}. "
        "Compute it from your two means."
    )


def check_p_value(learner):
    """The two-sided permutation p-value is about right"""
    a, b = _groups()
    observed = b.mean() - a.mean()
    p_value = _number(learner, "p_value", "the two-sided permutation p-value")
    assert 0.0 <= p_value <= 1.0, (
        f"p_value is {p_value}, but a p-value is a share of shuffles and must lie between 0 and 1. "
        "Use np.mean(np.abs(shuffled_diffs) >= abs(diff))."
    )
    rng = np.random.default_rng(2024)
    pooled = np.concatenate([a, b])
    n_a = len(a)
    shuffled = rng.permuted(np.tile(pooled, (_N_SHUFFLES, 1)), axis=1)
    diffs = shuffled[:, n_a:].mean(axis=1) - shuffled[:, :n_a].mean(axis=1)
    expected = float(np.mean(np.abs(diffs) >= abs(observed)))
    if p_value == 0.0:
        raise AssertionError(
            "p_value is exactly 0. On this data some shuffles should be as extreme as the real "
            "difference. Often this means missing values are still in the arrays you shuffle: "
            "any comparison with NaN is False. Drop missing order values first."
        )
    if abs(p_value - expected / 2) < 0.006 and abs(p_value - expected) > 0.012:
        raise AssertionError(
            f"p_value is {p_value:.4f}, about half of what a two-sided test gives. "
            "Compare the absolute values: np.abs(shuffled_diffs) >= abs(diff)."
        )
    if p_value > 1 - expected - 0.02 and abs(p_value - expected) > 0.012:
        raise AssertionError(
            f"p_value is {p_value:.4f}, far too large. It should be the share of shuffled "
            "differences at least as extreme as yours (>=), not the share that is smaller."
        )
    assert abs(p_value - expected) <= 0.012, (
        f"p_value is {p_value:.4f}, but a two-sided permutation test on this data gives "
        f"about {expected:.3f}. Shuffle the pooled values of both groups (without missing "
        "values), split them into groups of the original sizes, and repeat 10,000 times."
    )
