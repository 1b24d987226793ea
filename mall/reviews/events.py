"""What the reviews domain announces on c.events, after the write succeeded. No user text travels.

review.posted: review_id, order_id, product_id, shop_id, user_id, stars
review.followup: the same keys, for a follow-up (追評)
review.replied: the same keys, for the shop's reply (to the follow-up when followup is true)
review.hidden: the same keys, when an operator hid it (its author is told)
review.figures: product_id (its rating, distribution or sold count changed: open pages refresh the summary)"""

from __future__ import annotations

POSTED = "review.posted"
FOLLOWUP = "review.followup"
REPLIED = "review.replied"
HIDDEN = "review.hidden"
FIGURES = "review.figures"


def review_payload(review, **extra) -> dict:
    return {
        "review_id": review.id,
        "order_id": review.order_id,
        "product_id": review.product_id,
        "shop_id": review.shop_id,
        "user_id": review.user_id,
        "stars": review.stars,
        **extra,
    }
