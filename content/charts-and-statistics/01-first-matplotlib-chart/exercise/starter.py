import pandas as pd
import matplotlib.pyplot as plt

runs = pd.read_csv("data/club_runs.csv")
print(runs.head())

# Step 1: total distance per runner, converted from metres to kilometres,
#         sorted from largest to smallest. Name it totals_km.
totals_km = None

# Step 2: create a figure and axes with plt.subplots(), then draw one bar per runner.

# Step 3: add a title, an x-axis label and a y-axis label with the unit (km).
