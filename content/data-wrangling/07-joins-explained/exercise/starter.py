import pandas as pd

orders = pd.read_csv("data/orders.csv")
customers = pd.read_csv("data/customers.csv")

print("orders:", len(orders), "rows")
print("customers:", len(customers), "rows")

# Step 1: How many customer_id values appear more than once?
#         Look at the duplicated rows, then build customers_clean
#         with exactly one row per customer_id.
customers_clean = None

# Step 2: Left-join orders (left) with customers_clean (right) on "customer_id".
#         Pass validate="many_to_one" and indicator=True.
orders_full = None

# Step 3: Keep the rows of orders_full whose _merge value is "left_only".
unmatched = None

# Step 4: Print the row count after the join, and the order_id and
#         customer_id columns of unmatched.
