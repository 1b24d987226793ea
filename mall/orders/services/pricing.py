"""A cart priced by the promotions' engine: the same numbers on the cart page, the checkout page, the API
preview and the placed orders (every discount allocated to lines, so refunding a line is exact)."""

from __future__ import annotations

from dataclasses import asdict

from mall.orders.models import REGIONS
from mall.orders.services.shipping import templates_for
from mall.promotions import services as promotions
from mall.promotions.pricing import PriceLine, ShippingQuote

COUPON_KINDS = ("shop_coupon", "platform_coupon")


def price_lines(view) -> list[PriceLine]:
    """The cart's buyable lines at their list prices (lines that cannot be bought are not priced)."""
    return [
        PriceLine(v.line.id, group.shop.id, v.product.id, v.variant.id, v.price, v.line.qty)
        for group in view.groups
        if group.shop is not None
        for v in group.lines
        if v.buyable
    ]


async def shipping_quotes(c, shop_ids: list[str], region: str | None) -> dict[str, ShippingQuote]:
    """Each shop's fee for the region (its flat fee while no region is chosen), free from its threshold."""
    templates = await templates_for(c.shipping, shop_ids)
    return {
        shop_id: ShippingQuote(
            shop_id,
            t.region_fees.get(region, t.flat_fee) if region in REGIONS else t.flat_fee,
            t.free_over,
        )
        for shop_id, t in templates.items()
    }


async def quote_cart(c, view, *, user_id: str | None, region: str | None, codes=()) -> promotions.Quote:
    lines = price_lines(view)
    shops = sorted({line.shop_id for line in lines})
    return await promotions.quote(c, lines, await shipping_quotes(c, shops, region), user_id=user_id, codes=codes)


def applied_dicts(applied) -> list[dict]:
    """What an order keeps of each promotion that applied (for its page and the settlement)."""
    return [
        {
            "promotion_id": a.promotion_id,
            "kind": str(a.kind),
            "shop_id": a.shop_id,
            "amount": a.amount,
            "shipping_saved": a.shipping_saved,
            "detail": {k: v for k, v in asdict(a.detail).items() if v not in (None, 0, False, "")},
        }
        for a in applied
    ]


def allocation_dicts(line_price) -> list[dict]:
    return [
        {
            "promotion_id": a.promotion_id,
            "kind": str(a.kind),
            "amount": a.amount,
            "platform_funded": a.platform_funded,
            "merchant_funded": a.merchant_funded,
        }
        for a in line_price.allocations
    ]


def problems(found: promotions.Quote) -> list[dict]:
    """Chosen codes that do not apply: [{code, reason, short_by}] (reasons are codes; pages word them)."""
    out = [{"code": r.code, "reason": r.reason, "short_by": 0} for r in found.refused]
    out += [{"code": r.code, "reason": str(r.reason), "short_by": r.short_by} for r in found.priced.rejected]
    return out
