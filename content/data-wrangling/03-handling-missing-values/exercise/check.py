import csv
import numbers

import numpy as np
import pandas as pd

DATA = "data/survey.csv"
SENTINELS = {"age": {"-1"}, "monthly_spend": {"no answer"}}


def _raw():
    with open(DATA, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _is_missing(column, value):
    return value.strip() == "" or value.strip() in SENTINELS.get(column, set())


def _expected_counts():
    rows = _raw()
    return {col: sum(_is_missing(col, r[col]) for r in rows) for col in rows[0]}


def _is_number(x):
    return isinstance(x, (numbers.Real, np.number)) and not isinstance(x, (bool, np.bool_))


def _plain(x):
    """A value as shown in a hint: plain Python numbers instead of numpy reprs."""
    if _is_number(x):
        x = float(x)
        return int(x) if x.is_integer() else round(x, 3)
    return str(x)


def _as_series(value, name):
    """Turn a Series, a dict or a one-column DataFrame into a Series, or explain what is wrong."""
    if isinstance(value, pd.DataFrame):
        numeric = value.select_dtypes("number")
        assert numeric.shape[1] == 1, (
            f"{name} is a DataFrame with {value.shape[1]} columns; make it a Series with one value per label."
        )
        value = numeric.iloc[:, 0]
    if isinstance(value, dict):
        value = pd.Series(value)
    assert isinstance(value, pd.Series), (
        f"{name} should be a pandas Series, but it is a {type(value).__name__}."
    )
    return value


def _survey(learner):
    survey = learner.variables.get("survey")
    assert isinstance(survey, pd.DataFrame), (
        "Create a DataFrame called survey with pd.read_csv(\"data/survey.csv\", ...)."
    )
    return survey


def check_sentinels_replaced(learner):
    """The sentinels in survey are real missing values"""
    survey = _survey(learner)
    rows = _raw()
    for col in ["channel", "age", "monthly_spend"]:
        assert col in survey.columns, f"survey has no column called {col}; load data/survey.csv without renaming columns."
    assert len(survey) == len(rows), (
        f"survey has {len(survey)} rows, but the file has {len(rows)}. Keep every respondent: "
        "turn the sentinels into NaN instead of dropping rows."
    )
    age = survey["age"]
    assert pd.api.types.is_numeric_dtype(age), (
        f"age has dtype {age.dtype}; it should be numeric. Convert only the sentinel -1 to NaN."
    )
    assert not (age == -1).any(), (
        f"age still contains -1 in {int((age == -1).sum())} rows. pandas treats -1 as a real age; "
        "pass na_values={\"age\": [-1], ...} to read_csv, or use replace(-1, np.nan)."
    )
    spend = survey["monthly_spend"]
    assert pd.api.types.is_numeric_dtype(spend), (
        f"monthly_spend has dtype {spend.dtype}: the text 'no answer' keeps the whole column as text. "
        "Add \"no answer\" to na_values for monthly_spend."
    )
    expected = _expected_counts()
    for col in ["age", "monthly_spend"]:
        got = int(survey[col].isna().sum())
        assert got == expected[col], (
            f"{col} has {got} missing values, but the file has {expected[col]} blanks and sentinels there. "
            "Do not fill or drop anything yet; just turn the sentinels into NaN."
        )


def check_missing_counts(learner):
    """missing_counts counts the gaps in every column"""
    value = learner.variables.get("missing_counts")
    assert value is not None, "Create missing_counts, for example missing_counts = survey.isna().sum()."
    counts = _as_series(value, "missing_counts")
    expected = _expected_counts()
    absent = [c for c in expected if c not in counts.index]
    assert not absent, (
        f"missing_counts has no entry for {absent}. Count every column: survey.isna().sum()."
    )
    values = pd.to_numeric(counts, errors="coerce")
    if values.notna().all() and (values <= 1).all() and values.sum() > 0 and (values % 1 != 0).any():
        raise AssertionError("missing_counts looks like shares; use .sum() instead of .mean() to get counts.")
    wrong = {c: _plain(counts[c]) for c in expected if not (_is_number(counts[c]) and counts[c] == expected[c])}
    assert not wrong, (
        f"These counts do not match the file: {wrong}. Compute missing_counts on the full table after the sentinels "
        "have become NaN, with survey.isna().sum()."
    )


def check_mean_age(learner):
    """mean_age uses only the ages people gave"""
    value = learner.variables.get("mean_age")
    assert value is not None, "Create mean_age, the average of the ages that were given."
    assert _is_number(value), f"mean_age should be a single number, but it is a {type(value).__name__}."
    ages = [int(r["age"]) for r in _raw()]
    given = [a for a in ages if a != -1]
    expected = sum(given) / len(given)
    if abs(float(value) - sum(ages) / len(ages)) < 0.01:
        raise AssertionError("mean_age still counts the -1 sentinels as ages. Turn them into NaN first.")
    if abs(float(value) - sum(given) / len(ages)) < 0.01:
        raise AssertionError("mean_age treats missing ages as 0 (did you fillna(0)?). Leave them as NaN; mean() skips them.")
    assert abs(float(value) - expected) < 0.01, (
        f"mean_age is {float(value):.2f}, which is not the average of the given ages. Use survey[\"age\"].mean() "
        "on the cleaned column."
    )


def check_spend_missing_share(learner):
    """spend_missing_share compares the channels"""
    value = learner.variables.get("spend_missing_share")
    assert value is not None, (
        "Create spend_missing_share, for example "
        "survey[\"monthly_spend\"].isna().groupby(survey[\"channel\"]).mean()."
    )
    shares = _as_series(value, "spend_missing_share")
    rows = _raw()
    expected = {}
    for channel in sorted({r["channel"] for r in rows}):
        group = [r for r in rows if r["channel"] == channel]
        expected[channel] = sum(_is_missing("monthly_spend", r["monthly_spend"]) for r in group) / len(group)
    absent = [c for c in expected if c not in shares.index]
    assert not absent, (
        f"spend_missing_share should have one entry per channel {list(expected)}, but {absent} is missing. "
        "Group by the channel column."
    )
    values = {c: shares[c] for c in expected}
    assert all(_is_number(v) for v in values.values()), "spend_missing_share should hold numbers, one share per channel."
    if all(float(v) > 1 for v in values.values()):
        raise AssertionError(
            "spend_missing_share holds numbers above 1. Give shares between 0 and 1 (0.25, not 25 or a count): "
            "average isna() per channel with .mean()."
        )
    wrong = {c: round(float(values[c]), 3) for c in expected if abs(float(values[c]) - expected[c]) > 0.001}
    assert not wrong, (
        f"These shares do not match the file: {wrong}. Take isna() of monthly_spend after the sentinels "
        "are NaN, and average it per channel."
    )
