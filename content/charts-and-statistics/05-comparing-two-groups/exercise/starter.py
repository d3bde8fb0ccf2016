import numpy as np
import pandas as pd

orders = pd.read_csv("data/checkout_test.csv")
print(orders.head())
print("Rows per variant:")
print(orders["variant"].value_counts())
print("Missing order values:", orders["order_value"].isna().sum())

# Step 1: drop the rows where order_value is missing.

# Step 2: make two NumPy arrays of order values, one for variant "A", one for "B".
#         Hint: orders.loc[orders["variant"] == "A", "order_value"].to_numpy()

# Step 3: compute mean_a, mean_b and diff = mean_b - mean_a.

# Step 4: run the permutation test with this generator and 10,000 shuffles,
#         and store the two-sided p-value in p_value.
rng = np.random.default_rng(42)

# Step 5: print mean_a, mean_b, diff and p_value.

# What would you tell the shop? Write one sentence here:
#
