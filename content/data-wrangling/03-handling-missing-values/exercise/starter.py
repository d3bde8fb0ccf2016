import numpy as np
import pandas as pd

# A first load with the defaults. Look for the sentinels before you trust it.
survey = pd.read_csv("data/survey.csv")
print(survey.dtypes)
print(survey.describe())
print(survey["monthly_spend"].value_counts().head())

# Step 1: reload the file so that the sentinels become NaN (see na_values in the lesson).
# survey = pd.read_csv("data/survey.csv", ...)

# Step 2: missing values per column.
missing_counts = None  # your turn

# Step 3: the average of the ages people actually gave.
mean_age = None  # your turn

# Step 4: per channel, the share of respondents whose monthly_spend is missing.
spend_missing_share = None  # your turn
print(spend_missing_share)

# Your conclusion:
#
