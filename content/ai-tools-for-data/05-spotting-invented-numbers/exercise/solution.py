import pandas as pd

tickets = pd.read_csv("data/tickets.csv", parse_dates=["opened"])

claims = {
    "ticket_count": {
        "says": "The export holds 318 tickets.",
        "value": 318, "decimals": 0,
    },
    "chat_share_pct": {
        "says": "Chat is growing fast and already accounts for 41% of all tickets.",
        "value": 41, "decimals": 0,
    },
    "median_hours": {
        "says": "Resolved tickets were closed in a median of 4.7 hours.",
        "value": 4.7, "decimals": 1,
    },
    "mean_satisfaction": {
        "says": "Customers who left a rating gave us 3.7 out of 5 on average.",
        "value": 3.7, "decimals": 1,
    },
    "march_tickets": {
        "says": "March was the busiest month, with 104 tickets opened.",
        "value": 104, "decimals": 0,
    },
    "phone_median_hours": {
        "says": "Phone was the fastest channel: resolved phone tickets took a median of 2.9 hours.",
        "value": 2.9, "decimals": 1,
    },
}

recomputed = {}
recomputed["ticket_count"] = len(tickets)
recomputed["chat_share_pct"] = (tickets["channel"] == "chat").mean() * 100
recomputed["median_hours"] = tickets["resolved_hours"].median()          # blanks skipped
recomputed["mean_satisfaction"] = tickets["satisfaction"].mean()         # blanks skipped
recomputed["march_tickets"] = int((tickets["opened"].dt.month == 3).sum())
phone = tickets[tickets["channel"] == "phone"]
recomputed["phone_median_hours"] = phone["resolved_hours"].median()

verdicts = {
    key: bool(round(recomputed[key], claim["decimals"]) == claim["value"])
    for key, claim in claims.items()
}

for key, claim in claims.items():
    print(f"{key:20} claimed {claim['value']:>7}  data {recomputed[key]:>8.2f}  "
          f"{'holds' if verdicts[key] else 'FALSE'}")

# The phone claim has a plausible number attached to the wrong channel:
print(tickets.groupby("channel")["resolved_hours"].median())
