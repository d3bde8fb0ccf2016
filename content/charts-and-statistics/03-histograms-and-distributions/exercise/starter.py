import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

orders = pd.read_csv("data/deliveries.csv")
print(orders.head())
print(orders["status"].value_counts())

# Step 1: delivery times without the missing values (cancelled orders)
minutes = None

# Step 2: the centre of the data, two ways
mean_minutes = None
median_minutes = None

# Step 3: the 1.5 x IQR rule
#   q1 and q3 are the 25th and 75th percentiles: minutes.quantile(0.25), minutes.quantile(0.75)
upper_fence = None
n_slow = None

# Step 4: bin edges every 5 minutes, from 0 up to at least the longest delivery
bins = None

# Step 5: fig, ax = plt.subplots(), then ax.hist(...), a title and axis labels with units
