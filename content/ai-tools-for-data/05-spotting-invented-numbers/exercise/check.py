import numbers

import numpy as np
import pandas as pd

CLAIMS = {  # key: (stated value, decimals), as in the starter
    "ticket_count": (318, 0),
    "chat_share_pct": (41, 0),
    "median_hours": (4.7, 1),
    "mean_satisfaction": (3.7, 1),
    "march_tickets": (104, 0),
    "phone_median_hours": (2.9, 1),
}

HOW = {
    "ticket_count": "the number of rows in the table",
    "chat_share_pct": "the percentage of all tickets whose channel is chat (in percent, e.g. 25.3, not 0.253)",
    "median_hours": "the median of resolved_hours, leaving out blank (still open) tickets",
    "mean_satisfaction": "the mean of satisfaction over tickets that have a rating; blanks are not zeros",
    "march_tickets": "the number of tickets opened in March 2024",
    "phone_median_hours": "the median resolved_hours of phone tickets only, leaving out open ones",
}


def _truth():
    t = pd.read_csv("data/tickets.csv", parse_dates=["opened"])
    return {
        "ticket_count": float(len(t)),
        "chat_share_pct": (t["channel"] == "chat").mean() * 100,
        "median_hours": t["resolved_hours"].median(),
        "mean_satisfaction": t["satisfaction"].mean(),
        "march_tickets": float((t["opened"].dt.month == 3).sum()),
        "phone_median_hours": t.loc[t["channel"] == "phone", "resolved_hours"].median(),
    }


def _get_dict(learner, name, what):
    assert name in learner.variables, f"Create a dict called {name} that holds {what} for every claim key."
    d = learner.variables[name]
    if isinstance(d, pd.Series):
        d = d.to_dict()
    assert isinstance(d, dict), f"{name} should be a dict (key: value), but it is a {type(d).__name__}."
    missing = [k for k in CLAIMS if k not in d]
    assert not missing, (
        f"{name} is missing {len(missing)} of the {len(CLAIMS)} claims: {', '.join(missing)}. "
        "Use exactly the same keys as in claims."
    )
    return d


def check_recomputed(learner):
    """Every claimed figure is recomputed from the data"""
    recomputed = _get_dict(learner, "recomputed", "your own figure")
    truth = _truth()
    for key, (_, decimals) in CLAIMS.items():
        value = recomputed[key]
        if isinstance(value, (pd.Series, pd.DataFrame)) and value.size == 1:
            value = value.to_numpy().ravel()[0]
        assert isinstance(value, numbers.Number) and not isinstance(value, bool), (
            f"recomputed['{key}'] should be a single number, but it is a {type(value).__name__}."
        )
        value = float(value)
        expected = truth[key]
        tolerance = 0.5 * 10 ** -decimals + 1e-9
        if key == "chat_share_pct" and abs(value * 100 - expected) <= tolerance:
            assert False, "recomputed['chat_share_pct'] looks like a fraction: multiply by 100 to get percent."
        assert value == value and abs(value - expected) <= tolerance, (
            f"recomputed['{key}'] is {value:g}, which does not match the data. "
            f"It should be {HOW[key]}."
        )


def _verdict_errors(learner, want):
    verdicts = _get_dict(learner, "verdicts", "True or False")
    not_bool = [k for k in CLAIMS if not isinstance(verdicts[k], (bool, np.bool_))]
    assert not not_bool, (
        f"Each verdict should be True or False; check {', '.join(not_bool)}. "
        "A comparison such as round(x, 1) == 4.7 gives a bool."
    )
    truth = _truth()
    wrong = []
    for key, (stated, decimals) in CLAIMS.items():
        holds = round(truth[key], decimals) == stated
        if holds == want and bool(verdicts[key]) != holds:
            wrong.append(key)
    return wrong


def check_false_claims_flagged(learner):
    """Every claim the data contradicts is marked False"""
    wrong = _verdict_errors(learner, want=False)
    assert not wrong, (
        f"The data contradicts {', '.join(wrong)}, but your verdict says it holds. "
        "Compare your recomputed figure, rounded to the claim's decimals, with the stated value."
    )


def check_true_claims_confirmed(learner):
    """Every claim the data supports is marked True"""
    wrong = _verdict_errors(learner, want=True)
    assert not wrong, (
        f"The data supports {', '.join(wrong)}, but your verdict says it is false. "
        "Round your figure once, straight from the unrounded value, to the claim's number of "
        "decimals (round(x, 1) for one decimal) and compare that with the stated value. "
        "If the first check fails, fix the recomputed figure first."
    )
