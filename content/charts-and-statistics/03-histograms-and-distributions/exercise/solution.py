import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

orders = pd.read_csv("data/deliveries.csv")

minutes = orders["delivery_minutes"].dropna()

mean_minutes = minutes.mean()
median_minutes = minutes.median()
print(f"Mean {mean_minutes:.1f} min, median {median_minutes:.1f} min")

q1 = minutes.quantile(0.25)
q3 = minutes.quantile(0.75)
iqr = q3 - q1
upper_fence = q3 + 1.5 * iqr
n_slow = int((minutes > upper_fence).sum())
print(f"Upper fence {upper_fence:.1f} min; {n_slow} deliveries took longer")

bins = np.arange(0, minutes.max() + 5, 5)

fig, ax = plt.subplots(figsize=(8, 4))
ax.hist(minutes, bins=bins, edgecolor="white")
ax.axvline(median_minutes, color="black", linestyle="--", label=f"Median ({median_minutes:.0f} min)")
ax.set_title("Most deliveries take 20 to 45 minutes, with a long tail of slow ones")
ax.set_xlabel("Delivery time (minutes)")
ax.set_ylabel("Number of orders")
ax.legend()
fig.tight_layout()
