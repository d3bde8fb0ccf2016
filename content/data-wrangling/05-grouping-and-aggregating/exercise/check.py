import os

import numpy as np
import pandas as pd


def _data_path():
    here = globals().get("__file__")
    if here:
        path = os.path.join(os.path.dirname(os.path.abspath(here)), "data", "sales.csv")
        if os.path.exists(path):
            return path
    return os.path.join("data", "sales.csv")


def _clean_sales():
    sales = pd.read_csv(_data_path())
    sales["region"] = sales["region"].str.strip().str.title()
    sales["month"] = pd.to_datetime(sales["order_date"], format="%Y-%m-%d").dt.strftime("%Y-%m")
    return sales


def _as_series(value, name, column_hint):
    """Turn a learner's Series or small DataFrame into a Series indexed by region."""
    assert value is not None, (
        f"Create a variable called {name}. It is still None, so replace the "
        f"placeholder with your groupby result."
    )
    if isinstance(value, pd.DataFrame):
        frame = value
        if "region" in frame.columns:
            frame = frame.set_index("region")
        numeric = frame.select_dtypes("number")
        if column_hint in numeric.columns:
            value = numeric[column_hint]
        elif numeric.shape[1] == 1:
            value = numeric.iloc[:, 0]
        else:
            raise AssertionError(
                f"{name} is a table with several number columns. Keep just one "
                f"number per region, for example by selecting a single column "
                f"before aggregating."
            )
    assert isinstance(value, pd.Series), (
        f"{name} should be a pandas Series (one number per region), "
        f"but it is a {type(value).__name__}."
    )
    labels = [str(label) for label in value.index]
    messy = [label for label in labels if label != label.strip().title()]
    assert not messy, (
        f"{name} still has untidy region names such as {messy[0]!r}. Clean the "
        f"region column with .str.strip().str.title() before grouping."
    )
    assert len(set(labels)) == len(labels) == 4, (
        f"{name} should have one entry for each of the 4 regions, but it has "
        f"{len(labels)}. Did you group by the region column?"
    )
    return pd.Series(np.asarray(value, dtype=float), index=labels)


def check_region_totals(learner):
    """Revenue totals per region are correct and sorted"""
    sales = _clean_sales()
    expected = sales.groupby("region")["revenue"].sum()
    got = _as_series(learner.variables.get("region_totals"), "region_totals", "revenue")
    for region, total in expected.items():
        assert abs(got[region] - total) < 0.01, (
            f"The total for {region} doesn't match. Group by region, select the "
            f"revenue column and use .sum()."
        )
    values = got.to_numpy()
    assert all(values[i] >= values[i + 1] for i in range(len(values) - 1)), (
        "The totals are right but not in order. Sort them from largest to "
        "smallest with .sort_values(ascending=False)."
    )


def check_top_region(learner):
    """The top region is named"""
    sales = _clean_sales()
    expected = sales.groupby("region")["revenue"].sum().idxmax()
    got = learner.variables.get("top_region")
    assert got is not None, "Create a variable called top_region holding the name of the best-selling region."
    assert isinstance(got, str), (
        f"top_region should be a string such as 'North', but it is a "
        f"{type(got).__name__}. Take the first label of your sorted totals, "
        f"for example region_totals.index[0]."
    )
    assert got.strip().title() == expected, (
        f"{got!r} is not the region with the highest total revenue. If region "
        f"names were not tidied first, one region's sales are split over several "
        f"spellings and look smaller than they are."
    )


def check_orders_per_region(learner):
    """Orders per region are counted, including missing revenue"""
    sales = _clean_sales()
    expected = sales.groupby("region").size()
    non_missing = sales.groupby("region")["revenue"].count()
    got = learner.variables.get("orders_per_region")
    if isinstance(got, pd.DataFrame) and got.shape[1] > 1 and "region" not in got.columns:
        raise AssertionError(
            "orders_per_region is a table with several columns. Use "
            "sales.groupby('region').size() to get one count per region."
        )
    got = _as_series(got, "orders_per_region", "size")
    if all(got[r] == non_missing[r] for r in expected.index) and not expected.equals(non_missing):
        raise AssertionError(
            "These counts skip orders whose revenue is missing. .count() counts "
            "non-missing values; .size() counts rows."
        )
    for region, n in expected.items():
        assert got[region] == n, (
            f"The number of orders for {region} doesn't match. Count the rows in "
            f"each group with .size()."
        )


def check_top_group(learner):
    """The best region and month pair is found"""
    sales = _clean_sales()
    expected_region, expected_month = sales.groupby(["region", "month"])["revenue"].sum().idxmax()
    got = learner.variables.get("top_group")
    assert got is not None, (
        "Create a variable called top_group holding a (region, month) tuple, "
        "for example with .idxmax() on revenue grouped by region and month."
    )
    assert isinstance(got, (tuple, list)) and len(got) == 2, (
        f"top_group should be a tuple of two items like ('East', '2024-01'), "
        f"but it is a {type(got).__name__}. .idxmax() on a Series grouped by "
        f"two keys returns exactly such a tuple."
    )
    region, month = got
    if isinstance(month, str) and str(region).startswith("20"):
        region, month = month, region
    if isinstance(month, (int, np.integer)):
        month_ok = int(month) == int(expected_month[-2:])
    else:
        month_ok = str(month).startswith(expected_month)
    region_ok = str(region).strip().title() == expected_region
    assert region_ok and month_ok, (
        f"{tuple(got)!r} is not the region and month with the highest total "
        f"revenue. Group by both columns, sum revenue, and use .idxmax(); make "
        f"sure the region labels were tidied first."
    )
