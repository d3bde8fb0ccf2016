import numpy as np
import pandas as pd


def _data():
    orders = pd.read_csv("data/orders.csv")
    customers = pd.read_csv("data/customers.csv")
    return orders, customers


def _get_frame(learner, name, what):
    value = learner.variables.get(name)
    assert value is not None, (
        f"Create a variable called {name} holding {what}. "
        f"It is still missing or set to None."
    )
    assert isinstance(value, pd.DataFrame), (
        f"{name} should be a DataFrame (the result of drop_duplicates or merge), "
        f"but it is a {type(value).__name__}."
    )
    return value


def _as_id_set(values):
    ids = pd.to_numeric(pd.Series(list(values)), errors="coerce")
    if ids.isna().any():
        return None
    return set(ids.astype("int64").tolist())


def check_customers_clean(learner):
    """The customer table has one row per customer"""
    orders, customers = _data()
    clean = _get_frame(learner, "customers_clean", "the customer table with one row per customer_id")
    assert "customer_id" in clean.columns, (
        "customers_clean has no customer_id column. Keep the key as a normal column "
        "(for example with drop_duplicates(subset=\"customer_id\"))."
    )
    n_dupes = int(clean["customer_id"].duplicated().sum())
    assert n_dupes == 0, (
        f"customers_clean still has {n_dupes} duplicated customer_id value(s). "
        f"Try customers.drop_duplicates(subset=\"customer_id\")."
    )
    missing = set(customers["customer_id"]) - set(clean["customer_id"])
    assert not missing, (
        f"customers_clean lost {len(missing)} customer(s), for example {sorted(missing)[0]}. "
        f"Remove only the extra copy of the duplicated customer, not every row that has it."
    )


def check_orders_full(learner):
    """Every order appears exactly once after the join"""
    orders, customers = _data()
    full = _get_frame(learner, "orders_full", "the left join of orders with customers_clean")
    for col in ("order_id", "customer_id"):
        assert col in full.columns, (
            f"orders_full has no {col} column. Join with orders on the left: "
            f"orders.merge(customers_clean, on=\"customer_id\", how=\"left\", ...)."
        )
    no_order = int(full["order_id"].isna().sum())
    assert no_order == 0, (
        f"orders_full has {no_order} row(s) with no order_id: customers who never ordered. "
        f"That happens with how=\"right\" or how=\"outer\"; use how=\"left\" with orders on the left."
    )
    n, expected = len(full), len(orders)
    assert n >= expected, (
        f"orders_full has {n} rows but orders has {expected}: {expected - n} order(s) were dropped. "
        f"merge uses an inner join by default; pass how=\"left\" to keep orders without a customer."
    )
    assert n <= expected, (
        f"orders_full has {n} rows but orders has {expected}: {n - expected} extra row(s). "
        f"Some orders were copied because the right table still has a duplicated customer_id. "
        f"Join with customers_clean, and add validate=\"many_to_one\" to catch this."
    )
    ids = _as_id_set(full["order_id"])
    assert ids == set(orders["order_id"].tolist()) and full["order_id"].is_unique, (
        "orders_full has the right number of rows, but not one row per order_id. "
        "Put orders on the left side of the merge and use how=\"left\"."
    )
    assert "name" in full.columns, (
        "orders_full has no name column. The customer columns (name, city, ...) should be "
        "added by the join; check that you merged with customers_clean."
    )
    assert "_merge" in full.columns, (
        "orders_full has no _merge column. Pass indicator=True to merge so that each row "
        "says whether its customer was found."
    )
    lookup = customers.drop_duplicates(subset="customer_id").set_index("customer_id")["name"]
    want = orders["customer_id"].map(lookup)
    got = full.set_index(full["order_id"].astype("int64"))["name"].reindex(orders["order_id"])
    same = (want.to_numpy() == got.to_numpy()) | (want.isna().to_numpy() & got.isna().to_numpy())
    assert bool(np.all(same)), (
        "Some orders in orders_full carry the wrong customer name. Join on the customer_id "
        "column of both tables: on=\"customer_id\"."
    )


def check_unmatched(learner):
    """The orders without a known customer are found"""
    orders, customers = _data()
    expected = set(orders.loc[~orders["customer_id"].isin(customers["customer_id"]), "order_id"].tolist())
    value = learner.variables.get("unmatched")
    assert value is not None, (
        "Create a variable called unmatched holding the rows of orders_full whose customer "
        "was not found: orders_full[orders_full[\"_merge\"] == \"left_only\"]."
    )
    if isinstance(value, pd.DataFrame):
        assert "order_id" in value.columns, (
            "unmatched is a DataFrame without an order_id column. Filter the rows of "
            "orders_full instead of selecting other columns."
        )
        got = _as_id_set(value["order_id"])
    elif isinstance(value, pd.Series) and pd.api.types.is_bool_dtype(value):
        raise AssertionError(
            "unmatched is a True/False mask. Use it to select rows: "
            "unmatched = orders_full[orders_full[\"_merge\"] == \"left_only\"]."
        )
    elif isinstance(value, (pd.Series, pd.Index, list, tuple, set, np.ndarray)):
        got = _as_id_set(value)
    else:
        raise AssertionError(
            f"unmatched should be a DataFrame (the filtered rows of orders_full), "
            f"but it is a {type(value).__name__}."
        )
    assert got is not None, (
        "unmatched should contain order rows (or order_id values). "
        "Filter orders_full with orders_full[\"_merge\"] == \"left_only\"."
    )
    assert len(got) > 0, (
        "unmatched is empty. If you used an inner join, the unmatched orders were already "
        "dropped; use how=\"left\" and filter on _merge == \"left_only\"."
    )
    extra = got - expected
    assert not extra, (
        f"unmatched contains {len(extra)} order(s) whose customer does exist, e.g. order "
        f"{sorted(extra)[0]}. Keep only the rows where _merge is \"left_only\"."
    )
    missed = expected - got
    assert not missed, (
        f"unmatched is missing {len(missed)} order(s) whose customer is not in customers.csv, "
        f"e.g. order {sorted(missed)[0]}. Keep every row where _merge is \"left_only\"."
    )
