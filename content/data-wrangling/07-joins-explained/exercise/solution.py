import pandas as pd

orders = pd.read_csv("data/orders.csv")
customers = pd.read_csv("data/customers.csv")

print("orders:", len(orders), "rows")
print("customers:", len(customers), "rows")

n_dupes = customers["customer_id"].duplicated().sum()
print("duplicated customer_id values:", n_dupes)
print(customers[customers["customer_id"].duplicated(keep=False)])

customers_clean = customers.drop_duplicates(subset="customer_id")

orders_full = orders.merge(customers_clean, on="customer_id", how="left",
                           validate="many_to_one", indicator=True)
print("after join:", len(orders_full), "rows")
assert len(orders_full) == len(orders)

unmatched = orders_full[orders_full["_merge"] == "left_only"]
print(unmatched[["order_id", "customer_id"]])

# For comparison: the join with the uncleaned table copies some orders.
print("with duplicate customer:", len(orders.merge(customers, on="customer_id", how="left")), "rows")
