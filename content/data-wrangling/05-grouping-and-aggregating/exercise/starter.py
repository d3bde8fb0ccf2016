import pandas as pd

sales = pd.read_csv("data/sales.csv")
print(sales.head())

# Look at how the region names were typed before you group by them.
print(sales["region"].value_counts())

# TODO 1: tidy the region labels so each region has one spelling
# (hint: .str.strip() and .str.title())


# TODO 2: total revenue per region, largest first
region_totals = None

# TODO 3: the name of the region with the highest total (a string)
top_region = None

# TODO 4: number of orders per region, including orders with missing revenue
orders_per_region = None

# TODO 5: add a "month" column with text like "2024-03"
# (hint: pd.to_datetime(...) and .dt.strftime("%Y-%m")),
# then find the (region, month) pair with the highest total revenue
top_group = None

print(region_totals)
print("Top region:", top_region)
print(orders_per_region)
print("Best region and month:", top_group)
