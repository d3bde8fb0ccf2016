import numpy as np
import pandas as pd

survey = pd.read_csv(
    "data/survey.csv",
    na_values={"age": [-1], "monthly_spend": ["no answer"]},
)
print(survey.dtypes)

missing_counts = survey.isna().sum()
print(missing_counts)

mean_age = survey["age"].mean()
print(round(mean_age, 1))

spend_missing_share = survey["monthly_spend"].isna().groupby(survey["channel"]).mean()
print(spend_missing_share)

# Phone respondents skip the spend question far more often than web respondents,
# so an average of the answers mostly describes web and store customers.
