"""Promotions for tests, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from mall.promotions import services as promotions
from mall.promotions.models import CouponKind, Scope


def window(c, *, starts_in: int = 0, lasts: int = 3600):
    now = c.clock.now()
    return now + timedelta(seconds=starts_in), now + timedelta(seconds=starts_in + lasts)


async def coupon(c, *, scope=Scope.PLATFORM, shop_id=None, code=None, kind=CouponKind.FIXED, value=5000, cap=None,
                 min_spend=0, total=100, per_user=1, claimable=False, starts_in=0, lasts=3600):  # fmt: skip
    starts_at, ends_at = window(c, starts_in=starts_in, lasts=lasts)
    return await promotions.create_coupon(
        c, actor_id="marketer", scope=scope, shop_id=shop_id, name=f"Coupon {code or ''}".strip(), kind=kind,
        value=value, cap=cap, min_spend=min_spend, starts_at=starts_at, ends_at=ends_at, total=total,
        per_user=per_user, code=code, claimable=claimable,
    )  # fmt: skip


async def threshold(c, shop_id: str, tiers=({"min_spend": 30000, "save": 3000},), *, free_shipping=False, starts_in=0):
    starts_at, ends_at = window(c, starts_in=starts_in)
    return await promotions.create_threshold(
        c, shop_id=shop_id, actor_id="merchant", name="滿額折", tiers=list(tiers), free_shipping=free_shipping,
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip


async def limited(c, product, *, percent_off=None, fixed_price=None, starts_in=0, lasts=3600):
    starts_at, ends_at = window(c, starts_in=starts_in, lasts=lasts)
    return await promotions.create_limited_time(
        c, shop_id=product.shop_id, actor_id="merchant", name="限時折扣", product_ids=[product.id],
        percent_off=percent_off, fixed_price=fixed_price, starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip


async def campaign(c, *, percent_off=10, tiers=(), share=60, starts_in=0, lasts=3600, products=(), operator="op"):
    """A campaign with these products entered and approved; scheduled (live at once when starts_in <= 0)."""
    starts_at, ends_at = window(c, starts_in=starts_in, lasts=lasts)
    made = await promotions.create_campaign(
        c, actor_id="marketer", name="雙12", theme="全館聯合促銷", starts_at=starts_at, ends_at=ends_at,
        platform_share_percent=share, tiers=list(tiers), percent_off=None if tiers else percent_off,
    )  # fmt: skip
    for product in products:
        (entry,) = await promotions.enter_products(
            c, shop_id=product.shop_id, campaign_id=made.id, product_ids=[product.id]
        )
        await promotions.decide_entry(c, operator_id=operator, entry_id=entry.id, approve=True)
    return await promotions.schedule(c, made.id)
