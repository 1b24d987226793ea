"""Prices on shelves: what one unit of a product costs now in listings, on a campaign's page and in a product's
buy box (the engine prices each SKU alone, so a listing never disagrees with the cart for one unit).

Read-only: one query for the live shop promotions of the shops on a page; campaigns come from the caller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from mall.infra.money import cash_step
from mall.promotions.models import Campaign, LimitedTimeDiscount, Offers
from mall.promotions.pricing import PriceLine, ShippingQuote, price
from mall.promotions.pricing.stages import limited_unit_price
from mall.promotions.records import (
    CampaignRecord,
    CampaignStatus,
    CouponRecord,
    ShopPromotion,
    ShopPromotionKind,
    State,
)
from mall.promotions.services.offers import product_deals


def unit_price(product, variant, now, *, limited=(), campaigns: Iterable[Campaign] = (), step: int = 1) -> int:
    """One unit of `variant` after the live limited-time deals and the (percent off) campaigns given, rounded
    as the engine rounds for a currency whose smallest payable amount is `step`."""
    line = PriceLine(variant.id, product.shop_id, product.id, variant.id, variant.price, 1)
    offers = Offers(limited=tuple(limited), campaigns=tuple(campaigns))
    priced = price([line], offers, {product.shop_id: ShippingQuote(product.shop_id, 0)}, now, step)
    return priced.line(variant.id).net


def lowest_price(product, now, *, limited=(), campaigns: Iterable[Campaign] = (), step: int = 1) -> int:
    campaigns = tuple(campaigns)
    return min(unit_price(product, v, now, limited=limited, campaigns=campaigns, step=step) for v in product.variants)


async def live_limited(c, shop_ids: Iterable[str]) -> list[LimitedTimeDiscount]:
    """The limited-time discounts running now in these shops (one query)."""
    promotions = await c.promotions.live_promotions(sorted(set(shop_ids)), c.clock.now())
    return [p.engine() for p in promotions if p.kind == ShopPromotionKind.LIMITED_TIME]


async def price_edges(c) -> list[tuple]:
    """(instant, shop id or None for every shop): each start and end, from now on, of a shop promotion, a coupon or a
    campaign, whatever its state (a superset of the instants at which a price or a deal on a shelf may change by
    itself; pausing, resuming and editing are writes, not instants)."""
    now = c.clock.now()
    edges = []
    for starts_at, ends_at, shop_id in await c.promotions.windows(now):
        edges += [(starts_at, shop_id), (ends_at, shop_id)]
    return edges


async def listing_prices(c, products: list) -> dict[str, int]:
    """product id -> its lowest unit price now, for the products a limited-time deal makes cheaper."""
    limited = await live_limited(c, [p.shop_id for p in products]) if products else []
    if not limited:
        return {}
    now, step = c.clock.now(), cash_step(c.settings.currency)
    found = {}
    for product in products:
        low = lowest_price(product, now, limited=limited, step=step) if product.variants else product.min_price
        if low < product.min_price:
            found[product.id] = low
    return found


def campaign_rule(campaign: CampaignRecord, product_ids: Iterable[str], now) -> Campaign | None:
    """The campaign as the engine sees it, running from now on for pricing a shelf: a percent-off campaign that
    is live or still to come (its price once it runs); None for spend tiers (they depend on the whole cart)."""
    if campaign.percent_off is None or campaign.status not in (CampaignStatus.SCHEDULED, CampaignStatus.LIVE):
        return None
    if now >= campaign.ends_at:
        return None
    return replace(campaign.engine(product_ids), starts_at=min(campaign.starts_at, now))


def is_running(campaign: CampaignRecord, now) -> bool:
    return campaign.status == CampaignStatus.LIVE and campaign.starts_at <= now < campaign.ends_at


async def claimed_ids(c, user_id: str | None, coupon_ids: list[str]) -> set[str]:
    """Which of these coupons the shopper has claimed already (one query; none for a guest)."""
    return await c.promotions.has_claimed(user_id, list(coupon_ids)) if user_id and coupon_ids else set()


@dataclass
class BuyBox:
    """What a product's buy box says of one SKU now: its price after a limited-time deal (`limited`, or one still
    to come: `upcoming`), after a running percent-off campaign too (`campaign_price`, when lower), the shop's
    spend thresholds, the campaigns the product is in and the coupons to claim (`claimed`: the shopper's)."""

    normal: int
    price: int
    campaign_price: int | None
    campaign: CampaignRecord | None  # the running campaign that gives campaign_price
    limited: ShopPromotion | None
    upcoming: ShopPromotion | None
    upcoming_price: int | None
    thresholds: list[ShopPromotion]
    campaigns: list[CampaignRecord]
    coupons: list[CouponRecord]
    claimed: set[str] = field(default_factory=set)

    @property
    def best(self) -> int:
        return self.campaign_price if self.campaign_price is not None else self.price


async def buy_box(c, product, variant, *, user_id: str | None) -> BuyBox:
    now, step = c.clock.now(), cash_step(c.settings.currency)
    deals = await product_deals(c, product)
    on_sku = [p for p in deals.limited if variant.id in p.variant_ids]
    running = [p for p in on_sku if p.state(now) is State.LIVE]
    price_now = unit_price(product, variant, now, limited=[p.engine() for p in running], step=step)
    setting = [p for p in running if limited_unit_price(variant.price, p.engine(), step) == price_now < variant.price]
    running_campaigns = [cp for cp in deals.campaigns if is_running(cp, now) and campaign_rule(cp, {product.id}, now)]
    rules = [campaign_rule(cp, {product.id}, now) for cp in running_campaigns]
    with_campaign = unit_price(product, variant, now, limited=[p.engine() for p in running], campaigns=rules, step=step)
    coming = sorted((p for p in on_sku if p.state(now) is State.SCHEDULED), key=lambda p: (p.starts_at, p.id))
    return BuyBox(
        normal=variant.price,
        price=price_now,
        campaign_price=with_campaign if with_campaign < price_now else None,
        campaign=running_campaigns[0] if with_campaign < price_now else None,
        limited=min(setting, key=lambda p: p.id, default=None),
        upcoming=coming[0] if coming else None,
        upcoming_price=unit_price(product, variant, coming[0].starts_at, limited=[coming[0].engine()], step=step)
        if coming
        else None,
        thresholds=deals.thresholds,
        campaigns=deals.campaigns,
        coupons=deals.coupons,
        claimed=await claimed_ids(c, user_id, [cp.id for cp in deals.coupons]),
    )


@dataclass(frozen=True)
class ShelfItem:
    """A product on a campaign's page: its lowest unit price now, and with the campaign (percent off) applied."""

    product: object
    price: int
    campaign_price: int | None


async def campaign_shelf(c, campaign: CampaignRecord, products: list) -> list[ShelfItem]:
    now, step = c.clock.now(), cash_step(c.settings.currency)
    limited = await live_limited(c, [p.shop_id for p in products]) if products else []
    rule = campaign_rule(campaign, [p.id for p in products], now)
    items = []
    for product in (p for p in products if p.variants):
        low = lowest_price(product, now, limited=limited, step=step)
        with_rule = lowest_price(product, now, limited=limited, campaigns=[rule], step=step) if rule else None
        items.append(ShelfItem(product, low, with_rule if with_rule is not None and with_rule < low else None))
    return items


@dataclass(frozen=True)
class WalletRow:
    """A claimed coupon as its owner sees it now. `state`: usable, upcoming (not started), used (as often as it
    allows), gone (every use taken), paused, ended or stopped."""

    coupon: CouponRecord
    uses: int
    claimed_at: object
    state: str

    @property
    def usable(self) -> bool:
        return self.state == "usable"

    @property
    def uses_left(self) -> int:
        return max(self.coupon.per_user - self.uses, 0)


def wallet_row(mine, now) -> WalletRow:
    coupon, state = mine.coupon, mine.coupon.state(now)
    if state in (State.ENDED, State.STOPPED, State.PAUSED):
        shown = state.value
    elif mine.uses >= coupon.per_user:
        shown = "used"
    elif coupon.left <= 0:
        shown = "gone"
    else:
        shown = "upcoming" if state is State.SCHEDULED else "usable"
    return WalletRow(coupon, mine.uses, mine.claimed_at, shown)
