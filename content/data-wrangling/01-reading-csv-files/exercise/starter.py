import pandas as pd

# Step 1: look at the raw text before pandas interprets anything.
with open("data/orders.csv", encoding="utf-8") as f:
    for _ in range(5):
        print(repr(f.readline()))

# Step 2: load the file. The defaults are not enough for this file:
# add one read_csv argument for every quirk you spotted above.
# orders = pd.read_csv("data/orders.csv", ...)
orders = None

# Step 3: check what you loaded (uncomment once orders is a DataFrame).
# print(orders.shape)
# print(orders.dtypes)
# print(orders.head())

# Step 4: the number of orders and the total revenue in EUR.
n_rows = None         # your turn
total_revenue = None  # your turn

print("Orders:", n_rows)
print("Total revenue (EUR):", total_revenue)
