import pandas as pd

with open("data/orders.csv", encoding="utf-8") as f:
    for _ in range(5):
        print(repr(f.readline()))

orders = pd.read_csv(
    "data/orders.csv",
    sep=";",
    comment="#",
    decimal=",",
    thousands=".",
    dtype={"postcode": "str"},
    parse_dates=["order_date"],
    date_format="%d.%m.%Y",
)

print(orders.shape)
print(orders.dtypes)
print(orders.head())

n_rows = len(orders)
total_revenue = orders["total_eur"].sum()

print("Orders:", n_rows)
print("Total revenue (EUR):", round(total_revenue, 2))
