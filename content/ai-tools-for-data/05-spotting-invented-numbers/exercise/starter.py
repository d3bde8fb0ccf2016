import pandas as pd

tickets = pd.read_csv("data/tickets.csv", parse_dates=["opened"])

# An AI assistant was asked to summarise this support-ticket export.
# Its summary, written out claim by claim. "value" is the number it stated
# and "decimals" is how it was rounded (0 means a whole number).
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

for key, claim in claims.items():
    print(f"{key:20} {claim['says']}")

# Notes on the data:
# - resolved_hours is blank for tickets that are still open.
# - satisfaction is blank when the customer did not leave a rating.

# Step 1: Recompute every claimed figure from `tickets` and store it in the
#         dict `recomputed`, using the same keys as `claims`. Percentages are
#         in percent (41, not 0.41). The first one is done for you.
recomputed = {}
recomputed["ticket_count"] = len(tickets)

# Step 2: Build the dict `verdicts` with the same keys: True if the claim holds,
#         False if it does not. A claim holds when your figure, rounded to the
#         claim's "decimals", equals the claim's "value".
verdicts = {}

# Step 3: Print one line per claim: key, claimed value, your value, verdict.
