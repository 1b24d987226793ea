"""Promotions (issue 6): shop promotions (限時折扣, 滿減), coupons (優惠券), joint campaigns (聯合促銷), and the
offers the pure pricing engine (mall.promotions.pricing) turns into prices. `c` is the container.

Called by other areas:
  quote(c, lines, shipping, user_id=, codes=) -> Quote          (cart, checkout, API preview: one engine)
  product_deals(c, product) -> ProductDeals                      (product pages)
  take_use / give_use_back / use_moved / undo_take / forget_move (orders: a checkout's coupon uses)
Jobs (mall/promotions/jobs.py): announcements of starts and ends, campaign steps, the minutely sweep."""

from __future__ import annotations

from mall.promotions.services.campaigns import (
    campaign_products,
    campaigns,
    create_campaign,
    decide_entry,
    enter_products,
    entries,
    get_campaign,
    launch_now,
    pause,
    resume,
    schedule,
    stop,
    update_campaign,
    withdraw_entry,
)
from mall.promotions.services.common import PromotionError
from mall.promotions.services.coupons import (
    MyCoupon,
    Refusal,
    claim_coupon,
    coupons_of,
    create_coupon,
    forget_move,
    get_coupon,
    give_use_back,
    my_coupons,
    normalize_code,
    resolve_codes,
    set_coupon_control,
    take_use,
    undo_take,
    use_moved,
)
from mall.promotions.services.lifecycle import announce_edge, step_campaign, sweep
from mall.promotions.services.offers import ProductDeals, Quote, Showcase, offers_for, product_deals, quote, showcase
from mall.promotions.services.preview import CampaignPreview, campaign_preview
from mall.promotions.services.shop_promotions import (
    create_limited_time,
    create_threshold,
    set_control,
    shop_promotion,
    shop_promotions,
)

__all__ = [
    "CampaignPreview",
    "MyCoupon",
    "ProductDeals",
    "PromotionError",
    "Quote",
    "Refusal",
    "Showcase",
    "announce_edge",
    "campaign_preview",
    "campaign_products",
    "campaigns",
    "claim_coupon",
    "coupons_of",
    "create_campaign",
    "create_coupon",
    "create_limited_time",
    "create_threshold",
    "decide_entry",
    "enter_products",
    "entries",
    "forget_move",
    "get_campaign",
    "get_coupon",
    "give_use_back",
    "launch_now",
    "my_coupons",
    "normalize_code",
    "offers_for",
    "pause",
    "product_deals",
    "quote",
    "resolve_codes",
    "resume",
    "schedule",
    "set_control",
    "set_coupon_control",
    "shop_promotion",
    "shop_promotions",
    "showcase",
    "step_campaign",
    "stop",
    "sweep",
    "take_use",
    "undo_take",
    "update_campaign",
    "use_moved",
    "withdraw_entry",
]
