"""price(): cart lines + the offers that may apply -> what each shop's order costs, and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from mall.promotions.models import Offers, Scope, is_live
from mall.promotions.pricing.coupons import apply_coupons
from mall.promotions.pricing.ledger import Ledger
from mall.promotions.pricing.priced import Priced, PriceLine, ShippingQuote, ShopPrice
from mall.promotions.pricing.stages import apply_campaigns, apply_limited, apply_thresholds


def price(
    lines: Iterable[PriceLine], offers: Offers, shipping: Mapping[str, ShippingQuote], now: datetime, step: int = 1
) -> Priced:
    """Price a cart, a checkout or an API preview (one engine for all three). Pure: `now` is given.

    Stages, in this fixed order, each on what the earlier ones left of its eligible lines:
      1. limited-time price (per unit, the best one per SKU)
      2. the shop's best spend threshold (one per shop; may waive the shop's shipping)
      3. one shop coupon per shop
      4. platform campaigns (in the order given; a line takes at most one)
      5. one platform coupon
    Guaranteed: every discount is allocated to lines in whole minor units, its allocations summing
    to its Applied.amount; no discount exceeds its base, so 0 <= net <= list_total on every line;
    flash-sale lines keep their price, take no allocation and are in no base; the result does not
    depend on the order of `lines`. Shipping is the shop's: `fee`, or 0 once the shop's goods after
    limited-time prices (flash-sale lines included, at their price) reach `free_over`; a
    free-shipping threshold waives what is left of it (shipping_discount, merchant-funded).
    Every shop of `lines` needs a quote in `shipping`. `step` is the smallest payable amount in minor
    units (money.cash_step: 100 for TWD): percent prices and savings round to it and discounts are
    split in it, so with list prices, fees and fixed savings whole in it, every line, order and
    total is too."""
    if now.tzinfo is None:
        raise ValueError("now is an aware time")
    ledger = Ledger(lines, step)
    if missing := {open_.line.shop_id for open_ in ledger.lines} - set(shipping):
        raise ValueError(f"no shipping quote for {sorted(missing)}")
    apply_limited(ledger, (discount for discount in offers.limited if is_live(discount, now)))
    fees = {shop_id: shipping_fee(shipping[shop_id], goods) for shop_id, goods in goods_after_limited(ledger).items()}
    waived = apply_thresholds(ledger, [t for t in offers.thresholds if is_live(t, now)], fees)
    rejected = apply_coupons(ledger, offers.coupons, Scope.SHOP, now)
    apply_campaigns(ledger, (campaign for campaign in offers.campaigns if is_live(campaign, now)))
    rejected += apply_coupons(ledger, offers.coupons, Scope.PLATFORM, now)
    shops = tuple(
        ShopPrice(
            shop_id,
            tuple(open_.priced() for open_ in ledger.lines if open_.line.shop_id == shop_id),  # by line_id
            fee,
            waived.get(shop_id, 0),
        )
        for shop_id, fee in sorted(fees.items())
    )
    return Priced(shops, tuple(ledger.applied), tuple(rejected))


def goods_after_limited(ledger: Ledger) -> dict[str, int]:
    goods: dict[str, int] = {}
    for open_ in ledger.lines:
        shop_id = open_.line.shop_id
        goods[shop_id] = goods.get(shop_id, 0) + open_.unit_price_after_limited * open_.line.qty
    return goods


def shipping_fee(quote: ShippingQuote, goods: int) -> int:
    """The shop's fee, free from `free_over` (as checkout prices shipping today)."""
    return 0 if quote.free_over is not None and goods >= quote.free_over else quote.fee
