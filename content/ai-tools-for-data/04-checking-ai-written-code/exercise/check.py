import numbers

import pandas as pd


def _expected():
    orders = pd.read_csv("data/orders.csv", parse_dates=["order_time"])
    t = orders["order_time"]
    q1 = orders[(t >= "2024-01-01") & (t < "2024-04-01")]
    return orders, q1


def _number(learner, name):
    assert name in learner.variables, (
        f"Create a variable called {name} (keep the name the AI's code used)."
    )
    value = learner.variables[name]
    if isinstance(value, (pd.Series, pd.DataFrame)) and value.size == 1:
        value = value.to_numpy().ravel()[0]
    assert isinstance(value, numbers.Number) and not isinstance(value, bool), (
        f"{name} should be a single number, but it is a {type(value).__name__}."
    )
    return float(value)




def check_q1_orders(learner):
    """Q1 orders run from 1 January up to the end of 31 March"""
    assert "q1_orders" in learner.variables, "Keep a DataFrame called q1_orders with the Q1 2024 orders."
    q1_orders = learner.variables["q1_orders"]
    assert isinstance(q1_orders, pd.DataFrame), (
        f"q1_orders should be a DataFrame of orders, but it is a {type(q1_orders).__name__}."
    )
    orders, q1 = _expected()
    n, expected_n = len(q1_orders), len(q1)
    if n < expected_n:
        missing = len(set(q1["order_id"]) - set(q1_orders.get("order_id", pd.Series(dtype=str))))
        assert False, (
            f"q1_orders has {n} rows, but Q1 2024 holds {expected_n} orders, so {missing} are missing. "
            "order_time includes a time of day: what does the string '2024-03-31' mean when it is "
            "compared with a timestamp like 2024-03-31 14:05?"
        )
    assert n == expected_n, (
        f"q1_orders has {n} rows, but Q1 2024 holds {expected_n} orders. Check that nothing from "
        "December or April slipped in: the filter should start at 1 January and stop before 1 April."
    )
    if "order_id" in q1_orders.columns:
        assert set(q1_orders["order_id"]) == set(q1["order_id"]), (
            "q1_orders has the right number of rows but not the right orders. "
            "Filter the orders table on order_time only."
        )


def check_q1_revenue(learner):
    """Q1 revenue is the sum of every Q1 order"""
    value = _number(learner, "q1_revenue")
    _, q1 = _expected()
    expected = q1["amount"].sum()
    assert abs(value - expected) < 0.01, (
        f"q1_revenue is {value:,.2f}, which is {expected - value:,.2f} away from the right total. "
        "Revenue is the sum of amount over the Q1 orders, so fix the date filter first."
        if value < expected else
        f"q1_revenue is {value:,.2f}, more than the Q1 total. Are orders outside January to March included?"
    )


def check_avg_order_value(learner):
    """The average order value weighs every order equally"""
    value = _number(learner, "avg_order_value")
    _, q1 = _expected()
    expected = q1["amount"].mean()
    mean_of_means = q1.groupby("region")["amount"].mean().mean()
    if abs(value - expected) < 0.01:
        return
    assert abs(value - mean_of_means) > 1, (
        f"avg_order_value is {value:,.2f}: that is the average of the four regional averages. "
        "The regions have very different numbers of orders, so each region counts equally instead "
        "of each order. Divide total Q1 revenue by the number of Q1 orders instead."
    )
    assert False, (
        f"avg_order_value is {value:,.2f}, but Q1 revenue divided by the number of Q1 orders gives "
        f"a different figure. Compute it from all Q1 orders at once (and check the date filter too)."
    )
