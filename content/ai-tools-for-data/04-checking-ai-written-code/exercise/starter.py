import pandas as pd

# ------------------------------------------------------------------
# Code an AI assistant wrote for the request:
#   "From orders.csv, give me Q1 2024 (1 January to 31 March) revenue
#    and the average order value for that quarter."
# It runs without errors and the numbers look reasonable.
# Two of its lines are quietly wrong. Find and fix them.
# ------------------------------------------------------------------

orders = pd.read_csv("data/orders.csv", parse_dates=["order_time"])

# Keep Q1 2024: 1 January to 31 March
q1_orders = orders[
    (orders["order_time"] >= "2024-01-01") & (orders["order_time"] <= "2024-03-31")
]

q1_revenue = q1_orders["amount"].sum()

# Average order value, computed per region first for robustness
region_avg = q1_orders.groupby("region")["amount"].mean()
avg_order_value = region_avg.mean()

print(f"Q1 orders: {len(q1_orders)}")
print(f"Q1 revenue: {q1_revenue:,.2f}")
print(f"Average order value: {avg_order_value:,.2f}")

# Step 1: Before changing anything, check the filter. Look at the earliest and
#         latest order_time in q1_orders, and at the orders placed on 31 March
#         in the full table. Are they all inside q1_orders?

# Step 2: Check the average by hand: total revenue divided by number of
#         orders. Does it agree with avg_order_value?

# Step 3: Fix the two bugs above (keep the variable names q1_orders,
#         q1_revenue and avg_order_value), then add asserts that would
#         have caught them, for example on the last date and on the average.
