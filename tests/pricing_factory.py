"""Test data for the pricing engine: lines, promotions live around NOW, and NT$ in minor units.

`nt(300)` is NT$300 (30000 minor units); promotions are live from a day before NOW to a day after
unless given `live=(start, end)` as day offsets from NOW."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mall.promotions.models import (
    Campaign,
    Coupon,
    CouponKind,
    LimitedTimeDiscount,
    Offers,
    Scope,
    SpendThreshold,
    Tier,
)
from mall.promotions.pricing import Priced, PriceLine, ShippingQuote, price

NOW = datetime(2026, 1, 28, 12, 0, tzinfo=UTC)
LIVE = (-1, 1)


def nt(dollars: int) -> int:
    return dollars * 100


def window(live: tuple[int, int] = LIVE) -> dict[str, datetime]:
    return {"starts_at": NOW + timedelta(days=live[0]), "ends_at": NOW + timedelta(days=live[1])}


def line(line_id: str, shop_id: str, unit_price: int, qty: int = 1, *, product: str | None = None, flash=None):
    """A line whose product is `product` (default p-<line_id>) and whose SKU is v-<product>."""
    product = product or f"p-{line_id}"
    return PriceLine(line_id, shop_id, product, f"v-{product}", unit_price, qty, flash_sale_id=flash)


def limited(id_, shop_id, variants, *, percent_off=None, fixed_price=None, live=LIVE):
    return LimitedTimeDiscount(id=id_, shop_id=shop_id, name=f"限時 {id_}", variant_ids=frozenset(variants),
                               percent_off=percent_off, fixed_price=fixed_price, **window(live))  # fmt: skip


def threshold(id_, shop_id, *tiers: Tier, free_shipping=False, live=LIVE):
    return SpendThreshold(id=id_, shop_id=shop_id, name=f"滿減 {id_}", tiers=tuple(tiers), free_shipping=free_shipping,
                          **window(live))  # fmt: skip


def shop_coupon(code, shop_id, value, *, percent=False, cap=None, min_spend=0, live=LIVE):
    kind = CouponKind.PERCENT if percent else CouponKind.FIXED
    return Coupon(id=f"c-{code}", code=code, scope=Scope.SHOP, shop_id=shop_id, kind=kind, value=value, cap=cap,
                  min_spend=min_spend, **window(live))  # fmt: skip


def platform_coupon(code, value, *, percent=False, cap=None, min_spend=0, live=LIVE):
    kind = CouponKind.PERCENT if percent else CouponKind.FIXED
    return Coupon(id=f"c-{code}", code=code, scope=Scope.PLATFORM, kind=kind, value=value, cap=cap,
                  min_spend=min_spend, **window(live))  # fmt: skip


def campaign(id_, products, *, platform_share=50, percent_off=None, tiers=(), live=LIVE):
    return Campaign(id=id_, name=f"聯合 {id_}", product_ids=frozenset(products), platform_share_percent=platform_share,
                    percent_off=percent_off, tiers=tuple(tiers), **window(live))  # fmt: skip


def quotes(*shop_ids: str, fee: int = nt(60), free_over: int | None = None) -> dict[str, ShippingQuote]:
    return {shop_id: ShippingQuote(shop_id, fee, free_over) for shop_id in shop_ids}


def price_cart(lines, offers: Offers = Offers(), shipping=None, now=NOW) -> Priced:
    """Price `lines`, each shop shipping NT$60 unless `shipping` says otherwise."""
    shipping = shipping or quotes(*{one.shop_id for one in lines})
    return price(lines, offers, shipping, now)


def savings(priced: Priced) -> list[tuple[str, int]]:
    """(promotion id, amount) of what applied, in stage order."""
    return [(applied.promotion_id, applied.amount) for applied in priced.applied]


def nets(priced: Priced) -> dict[str, int]:
    return {lp.line.line_id: lp.net for shop in priced.shops for lp in shop.lines}
