import pandas as pd

orders = pd.read_csv("data/orders.csv", parse_dates=["order_time"])

# Q1 2024 with a half-open interval: every moment of 31 March is before 1 April.
q1_orders = orders[
    (orders["order_time"] >= "2024-01-01") & (orders["order_time"] < "2024-04-01")
]

q1_revenue = q1_orders["amount"].sum()

# Average order value is total revenue over number of orders,
# not the average of the regional averages.
avg_order_value = q1_orders["amount"].mean()

# Checks that would have caught both bugs
on_march_31 = orders[orders["order_time"].dt.strftime("%Y-%m-%d") == "2024-03-31"]
assert on_march_31["order_id"].isin(q1_orders["order_id"]).all()
assert q1_orders["order_time"].dt.month.isin([1, 2, 3]).all()
assert abs(avg_order_value - q1_revenue / len(q1_orders)) < 1e-9

print(f"Q1 orders: {len(q1_orders)}")
print(f"Q1 revenue: {q1_revenue:,.2f}")
print(f"Average order value: {avg_order_value:,.2f}")
