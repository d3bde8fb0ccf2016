import numbers

import numpy as np
import pandas as pd

DATA = "data/orders.csv"
COLUMNS = ["order_id", "order_date", "customer", "postcode", "bags", "total_eur"]


def _expected():
    """Read the export by hand, without pandas, so the checks do not depend on read_csv."""
    rows = []
    with open(DATA, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    for line in lines[1:]:
        fields = line.split(";")
        amount = float(fields[5].replace(".", "").replace(",", "."))
        day, month, year = (int(part) for part in fields[1].split("."))
        rows.append({"order_id": int(fields[0]), "date": pd.Timestamp(year, month, day), "total": amount})
    return rows


def _orders(learner):
    orders = learner.variables.get("orders")
    assert orders is not None, (
        "Create a DataFrame called orders, for example orders = pd.read_csv(\"data/orders.csv\", sep=..., ...)."
    )
    assert isinstance(orders, pd.DataFrame), (
        f"orders should be a pandas DataFrame (the result of pd.read_csv), but it is a {type(orders).__name__}."
    )
    return orders


def check_orders_loaded(learner):
    """orders holds every order, split into the right columns"""
    orders = _orders(learner)
    names = [str(c) for c in orders.columns]
    if len(names) == 1 and ";" in names[0]:
        raise AssertionError(
            "orders has a single column whose name contains semicolons: the fields are separated by ';', "
            "not by commas. Add sep=\";\" to read_csv."
        )
    if any(name.startswith("#") for name in names):
        raise AssertionError(
            "A column name starts with '#': a comment line was read as the header. "
            "Skip the comment lines with comment=\"#\" (or skiprows=...)."
        )
    missing = [c for c in COLUMNS if c not in names]
    assert not missing, (
        f"orders is missing the column(s) {missing}. Its columns are {names}. "
        "Check the delimiter and that the header line (order_id;order_date;...) is used as the header."
    )
    expected = len(_expected())
    assert len(orders) == expected, (
        f"orders has {len(orders)} rows, but the file contains {expected} order lines. "
        "Make sure the comment lines are skipped and no data line is swallowed as a header or dropped."
    )


def check_total_eur_numeric(learner):
    """total_eur is a number column with the right amounts"""
    orders = _orders(learner)
    assert "total_eur" in orders.columns, "Load the file so that orders has a total_eur column first."
    col = orders["total_eur"]
    assert pd.api.types.is_numeric_dtype(col), (
        f"total_eur has dtype {col.dtype}, so pandas treats the amounts as text. The file writes amounts "
        "like 1.600,50: tell read_csv about the decimal comma AND the thousands dot (decimal=\",\", thousands=\".\")."
    )
    expected = _expected()
    exp_total = sum(r["total"] for r in expected)
    got_total = float(col.sum())
    assert abs(got_total - exp_total) < 0.01, (
        f"The amounts in total_eur add up to {got_total:,.2f}, which does not match the file. "
        "Check that 1.600,50 was read as 1600.5 (decimal=\",\", thousands=\".\") and that no rows were lost."
    )


def check_order_date(learner):
    """order_date holds real dates, read day first"""
    orders = _orders(learner)
    assert "order_date" in orders.columns, "Load the file so that orders has an order_date column first."
    col = orders["order_date"]
    if pd.api.types.is_integer_dtype(col):
        raise AssertionError(
            "order_date came out as whole numbers like 2012024: thousands=\".\" removed the dots from the dates. "
            "Add parse_dates=[\"order_date\"] with date_format=\"%d.%m.%Y\"."
        )
    assert pd.api.types.is_datetime64_any_dtype(col), (
        f"order_date has dtype {col.dtype}, so the dates are still text. "
        "Add parse_dates=[\"order_date\"] and date_format=\"%d.%m.%Y\" to read_csv."
    )
    expected = _expected()
    if len(orders) != len(expected):
        raise AssertionError("Fix the number of rows first (see the check about loading orders).")
    got = pd.to_datetime(col).dt.normalize().tolist()
    want = [r["date"] for r in expected]
    wrong = sum(1 for g, w in zip(got, want) if g != w)
    assert wrong == 0, (
        f"{wrong} order dates do not match the file. The file writes day.month.year (02.01.2024 is 2 January), "
        "so use date_format=\"%d.%m.%Y\" rather than letting pandas guess."
    )


def check_reported_numbers(learner):
    """n_rows and total_revenue are correct"""
    expected = _expected()
    n_rows = learner.variables.get("n_rows")
    assert n_rows is not None, "Create a variable called n_rows holding the number of orders, e.g. n_rows = len(orders)."
    assert isinstance(n_rows, (numbers.Integral, np.integer)) and not isinstance(n_rows, bool), (
        f"n_rows should be a whole number such as len(orders), but it is a {type(n_rows).__name__}."
    )
    assert int(n_rows) == len(expected), (
        f"n_rows is {n_rows}, but the file contains {len(expected)} orders. "
        "Count the rows of the correctly loaded DataFrame: n_rows = len(orders)."
    )
    total = learner.variables.get("total_revenue")
    assert total is not None, (
        "Create a variable called total_revenue holding the sum of total_eur, e.g. orders[\"total_eur\"].sum()."
    )
    assert not isinstance(total, str), (
        "total_revenue is text, not a number: total_eur was still a text column when you summed it, "
        "so pandas glued the strings together. Fix decimal= and thousands= first."
    )
    assert isinstance(total, (numbers.Real, np.number)) and not isinstance(total, bool), (
        f"total_revenue should be a single number, but it is a {type(total).__name__}. "
        "Sum one column: orders[\"total_eur\"].sum()."
    )
    exp_total = sum(r["total"] for r in expected)
    assert abs(float(total) - exp_total) < 0.01, (
        f"total_revenue is {float(total):,.2f}, but the amounts in the file add up to something else. "
        "Make sure every order is loaded and total_eur was parsed with the decimal comma and thousands dot."
    )
