"""The promotion stages other than coupons, each on what the earlier stages left (see engine.price)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mall.promotions.models import Campaign, LimitedTimeDiscount, PromotionKind, SpendThreshold
from mall.promotions.pricing.explained import Applied, Detail
from mall.promotions.pricing.ledger import Ledger, OpenLine, base_of, best_tier, tier_detail


def limited_unit_price(unit_price: int, discount: LimitedTimeDiscount, step: int = 1) -> int:
    """The unit price under a limited-time discount: a percent off rounds the price down to the step
    (the shopper gets at least the percent, at a price that can be paid: NT$297, not NT$297.50);
    a fixed price above the list price changes nothing."""
    if discount.percent_off is not None:
        return unit_price * (100 - discount.percent_off) // 100 // step * step
    return min(unit_price, discount.fixed_price or 0)


def apply_limited(ledger: Ledger, live: Iterable[LimitedTimeDiscount]) -> None:
    """Each line gets the lowest unit price among its shop's live discounts naming its SKU (ties: the
    smallest id); one Applied per discount, the sum of its lines' savings. 100 % merchant-funded."""
    live = sorted(live, key=lambda discount: (discount.shop_id, discount.id))
    won: dict[str, list[tuple[OpenLine, int]]] = {discount.id: [] for discount in live}
    for open_ in ledger.eligible():
        candidates = [d for d in live if d.shop_id == open_.line.shop_id and open_.line.variant_id in d.variant_ids]
        if not candidates:
            continue
        unit, best = min((limited_unit_price(open_.line.unit_price, d, ledger.step), d.id) for d in candidates)
        if unit < open_.line.unit_price:
            open_.unit_price_after_limited = unit
            won[best].append((open_, (open_.line.unit_price - unit) * open_.line.qty))
    for discount in live:
        if won[discount.id]:
            detail = Detail(name=discount.name, percent=discount.percent_off, fixed_price=discount.fixed_price)
            saved = sum(amount for _, amount in won[discount.id])
            ledger.record(
                Applied(discount.id, PromotionKind.LIMITED_TIME, discount.shop_id, saved, detail), won[discount.id]
            )


def apply_thresholds(ledger: Ledger, live: Sequence[SpendThreshold], shipping_fees: dict[str, int]) -> dict[str, int]:
    """Per shop, the one threshold worth the most (goods saving + shipping it waives; ties: the smallest
    id) at its best tier reached by the shop's eligible lines. Answers the shipping waived per shop."""
    waived: dict[str, int] = {}
    for shop_id in sorted({open_.line.shop_id for open_ in ledger.lines}):
        lines = ledger.eligible(shop_id)
        if not lines:
            continue
        base, offers = base_of(lines), []
        for threshold in (t for t in live if t.shop_id == shop_id):
            reached = best_tier(threshold.tiers, base, ledger.step)
            if reached is not None:
                shipping = shipping_fees[shop_id] if threshold.free_shipping else 0
                offers.append((-(reached[1] + shipping), threshold.id, threshold, reached, shipping))
        if not offers:
            continue
        worth, _, threshold, (tier, saving), shipping = min(offers, key=lambda offer: offer[:2])
        if worth < 0:
            detail = tier_detail(threshold.name, tier, threshold.free_shipping)
            ledger.grant(Applied(threshold.id, PromotionKind.SPEND_THRESHOLD, shop_id, saving, detail, shipping), lines)
            waived[shop_id] = shipping
    return waived


def apply_campaigns(ledger: Ledger, live: Iterable[Campaign]) -> None:
    """In the order given, each campaign on its approved products' eligible lines across all shops,
    skipping lines an earlier campaign applied to; its base reaches its tiers platform-wide. The
    platform funds platform_share_percent of each saving."""
    for campaign in live:
        lines = [
            open_
            for open_ in ledger.eligible()
            if open_.line.product_id in campaign.product_ids and not open_.in_campaign
        ]
        reached = best_tier(campaign.terms, base_of(lines), ledger.step)
        if reached is None or reached[1] == 0:
            continue
        tier, saving = reached
        applied = Applied(campaign.id, PromotionKind.CAMPAIGN, None, saving, tier_detail(campaign.name, tier))
        ledger.grant(applied, lines, platform_percent=campaign.platform_share_percent)
        for open_ in lines:
            open_.in_campaign = True
