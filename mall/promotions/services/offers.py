"""What may apply to a cart or a product now, gathered for the pricing engine (which does the sums)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mall.infra.money import cash_step
from mall.promotions.models import Offers
from mall.promotions.pricing import Priced, PriceLine, ShippingQuote, price
from mall.promotions.records import (
    CampaignRecord,
    CampaignStatus,
    CouponRecord,
    ShopPromotion,
    ShopPromotionKind,
    State,
)
from mall.promotions.services.common import closed_shops
from mall.promotions.services.coupons import Refusal, resolve_codes


async def _live_campaigns(c, now) -> list[CampaignRecord]:
    live = await c.promotions.campaigns_in((CampaignStatus.LIVE,))
    return sorted((cp for cp in live if cp.starts_at <= now < cp.ends_at), key=lambda cp: (cp.starts_at, cp.id))


async def offers_for(
    c, lines: list[PriceLine], *, user_id: str | None, codes: list[str]
) -> tuple[Offers, list[Refusal]]:
    """The live promotions of the cart's shops and products, the live campaigns its products are in, and
    the coupons chosen (those that cannot be used at all come back as refusals). A suspended shop's lines
    take none of its promotions nor a campaign's."""
    now = c.clock.now()
    closed = await closed_shops(c, [line.shop_id for line in lines])
    lines = [line for line in lines if line.shop_id not in closed]
    promotions = await c.promotions.live_promotions(sorted({line.shop_id for line in lines}), now)
    variants = {line.variant_id for line in lines}
    limited = tuple(
        p.engine() for p in promotions if p.kind == ShopPromotionKind.LIMITED_TIME and set(p.variant_ids) & variants
    )
    thresholds = tuple(p.engine() for p in promotions if p.kind == ShopPromotionKind.SPEND_THRESHOLD)
    live = await _live_campaigns(c, now)
    joined: dict[str, set[str]] = defaultdict(set)
    for entry in await c.promotions.approved_entries([cp.id for cp in live], [line.product_id for line in lines]):
        joined[entry.campaign_id].add(entry.product_id)
    campaigns = tuple(cp.engine(joined[cp.id]) for cp in live if joined[cp.id])
    coupons, refused = await resolve_codes(c, codes, user_id)
    return Offers(limited=limited, thresholds=thresholds, coupons=tuple(coupons), campaigns=campaigns), refused


@dataclass(frozen=True)
class Quote:
    """A priced cart and the chosen codes that could not be used at all (the engine explains the rest)."""

    priced: Priced
    refused: tuple[Refusal, ...] = ()


async def quote(c, lines: list[PriceLine], shipping: dict[str, ShippingQuote], *, user_id, codes=()) -> Quote:
    """The one way a cart, a checkout or an API preview is priced."""
    offers, refused = await offers_for(c, lines, user_id=user_id, codes=list(codes))
    return Quote(price(lines, offers, shipping, c.clock.now(), cash_step(c.settings.currency)), tuple(refused))


@dataclass
class ProductDeals:
    """What a product page shows: each SKU's price now, the shop's thresholds, the campaigns the product is
    in (running or coming), and coupons that can be claimed."""

    prices: dict[str, int] = field(default_factory=dict)  # variant id -> unit price after limited-time deals
    limited: list[ShopPromotion] = field(default_factory=list)
    thresholds: list[ShopPromotion] = field(default_factory=list)
    campaigns: list[CampaignRecord] = field(default_factory=list)
    coupons: list[CouponRecord] = field(default_factory=list)

    def price_of(self, variant) -> int:
        return self.prices.get(variant.id, variant.price)


async def product_deals(c, product) -> ProductDeals:
    now = c.clock.now()
    deals = ProductDeals()
    promotions = await c.promotions.live_promotions([product.shop_id], now, live_only=False)
    for p in promotions:
        running = p.state(now) is State.LIVE
        if p.kind == ShopPromotionKind.LIMITED_TIME and {v.id for v in product.variants} & set(p.variant_ids):
            deals.limited.append(p)
        elif p.kind == ShopPromotionKind.SPEND_THRESHOLD and running:
            deals.thresholds.append(p)
    lines = [PriceLine(v.id, product.shop_id, product.id, v.id, v.price, 1) for v in product.variants]
    if lines:
        offers = Offers(limited=tuple(p.engine() for p in deals.limited))
        shipping = {product.shop_id: ShippingQuote(product.shop_id, 0)}
        priced = price(lines, offers, shipping, now, cash_step(c.settings.currency))
        deals.prices = {lp.line.variant_id: lp.unit_price_after_limited for lp in priced.shop(product.shop_id).lines}
    coming = await c.promotions.campaigns_in((CampaignStatus.SCHEDULED, CampaignStatus.LIVE))
    coming = [cp for cp in coming if cp.ends_at > now]
    entered = {e.campaign_id for e in await c.promotions.approved_entries([cp.id for cp in coming], [product.id])}
    deals.campaigns = [cp for cp in coming if cp.id in entered]
    deals.coupons = await c.promotions.claimable_coupons(now, shop_ids=[product.shop_id])
    return deals


@dataclass
class Showcase:
    """GET /api/v1/promotions: what runs or is coming, platform-wide."""

    campaigns: list[CampaignRecord]
    coupons: list[CouponRecord]


async def showcase(c) -> Showcase:
    now = c.clock.now()
    campaigns = await c.promotions.campaigns_in((CampaignStatus.SCHEDULED, CampaignStatus.LIVE))
    coupons = await c.promotions.claimable_coupons(now)
    closed = await closed_shops(c, [cp.shop_id for cp in coupons])
    return Showcase([cp for cp in campaigns if cp.ends_at > now], [cp for cp in coupons if cp.shop_id not in closed])
