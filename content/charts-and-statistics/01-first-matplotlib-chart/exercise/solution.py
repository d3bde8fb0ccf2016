import pandas as pd
import matplotlib.pyplot as plt

runs = pd.read_csv("data/club_runs.csv")

totals_km = (runs.groupby("runner")["distance_m"].sum() / 1000).sort_values(ascending=False)
print(totals_km.round(1))

fig, ax = plt.subplots(figsize=(7, 4))
ax.bar(totals_km.index, totals_km.values, color="tab:blue")
ax.set_title("Chloé covered the most distance in March")
ax.set_xlabel("Runner")
ax.set_ylabel("Distance (km)")
fig.tight_layout()
