import pandas as pd

sales = pd.read_csv("data/sales.csv")
print(sales.head())

# Look at how the region names were typed before you group by them.
print(sales["region"].value_counts())

# Step 1: tidy the region labels so each region has one spelling
# (hint: .str.strip() and .str.title())


# Step 2: total revenue per region, largest first
region_totals = None

# Step 3: the name of the region with the highest total (a string)
top_region = None

# Step 4: number of orders per region, including orders with missing revenue
orders_per_region = None

# Step 5: add a "month" column with text like "2024-03"
# (hint: pd.to_datetime(...) and .dt.strftime("%Y-%m")),
# then find the (region, month) pair with the highest total revenue
top_group = None

print(region_totals)
print("Top region:", top_region)
print(orders_per_region)
print("Best region and month:", top_group)
