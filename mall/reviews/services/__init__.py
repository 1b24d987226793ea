"""Reviews use cases. `c` is the Container (mall.bootstrap); the reviews' repository is `c.reviews`.

Shoppers: add_photo, post_reviews(c, *, user, order_id, lines, shop_ratings), post_followup, vote_helpful,
  report, product_reviews, order_reviews, reviewable_orders
Merchants (their own shop from the session): reply, shop_reviews, shop_review
Operators: queue, hide, dismiss, recompute
Figures: product_figures, shop_dsr, move_product; install(c) follows the orders' events (sold counts)."""

from __future__ import annotations

from mall.reviews.services.errors import ReviewError
from mall.reviews.services.figures import install, move_product, product_figures
from mall.reviews.services.moderation import QueueItem, dismiss, hide, queue, report
from mall.reviews.services.posting import (
    LineReview,
    Posted,
    ShopRatings,
    add_photo,
    buyers_order,
    own_photos,
    post_followup,
    post_reviews,
)
from mall.reviews.services.queries import (
    LineState,
    OrderReviews,
    ProductPanel,
    ReviewFilter,
    ReviewPage,
    ReviewSort,
    ShopDsr,
    get_review,
    order_reviews,
    product_panel,
    product_reviews,
    reviewable_orders,
    shop_dsr,
    shop_rating_window,
    shop_review_counts,
    shop_reviews,
)
from mall.reviews.services.recompute import Drift, RecomputeReport, recompute
from mall.reviews.services.replies import reply, shop_review
from mall.reviews.services.votes import vote_helpful, voted

__all__ = [
    "Drift",
    "LineReview",
    "LineState",
    "OrderReviews",
    "Posted",
    "ProductPanel",
    "QueueItem",
    "RecomputeReport",
    "ReviewError",
    "ReviewFilter",
    "ReviewPage",
    "ReviewSort",
    "ShopDsr",
    "ShopRatings",
    "add_photo",
    "buyers_order",
    "dismiss",
    "get_review",
    "hide",
    "install",
    "move_product",
    "order_reviews",
    "own_photos",
    "post_followup",
    "post_reviews",
    "product_figures",
    "product_panel",
    "product_reviews",
    "queue",
    "recompute",
    "reply",
    "report",
    "reviewable_orders",
    "shop_dsr",
    "shop_rating_window",
    "shop_review",
    "shop_review_counts",
    "shop_reviews",
    "vote_helpful",
    "voted",
]
