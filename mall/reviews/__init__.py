"""Reviews (評價): verified-purchase reviews of order lines with photos, follow-ups, merchant replies,
helpful votes, reports and moderation; the shop ratings (DSR) of each order; and the aggregates kept
with every write (product rating and distribution, sold counts, DSR per day)."""
