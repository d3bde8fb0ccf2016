import pandas as pd

sales = pd.read_csv("data/sales.csv")

# 1. One spelling per region: "west ", " west" and "WEST" all become "West".
sales["region"] = sales["region"].str.strip().str.title()

# 2. Total revenue per region, largest first (missing revenue is skipped).
region_totals = sales.groupby("region")["revenue"].sum().sort_values(ascending=False)

# 3. The first label of the sorted totals.
top_region = str(region_totals.index[0])

# 4. size counts rows; count("revenue") would skip the missing values.
orders_per_region = sales.groupby("region").size()

# 5. Month as text, then the best (region, month) pair.
sales["month"] = pd.to_datetime(sales["order_date"], format="%Y-%m-%d").dt.strftime("%Y-%m")
by_region_month = sales.groupby(["region", "month"])["revenue"].sum()
top_group = by_region_month.idxmax()

print(region_totals)
print("Top region:", top_region)
print(orders_per_region)
print("Best region and month:", top_group)
