"""Before a campaign runs, what it will do: the products entered (approved, and those still waiting for an
operator), each one's price now and once the campaign runs, what one unit saves and who pays it; for spend
tiers, what each tier saves at its threshold and who pays that. Priced by the engine itself, as if the
campaign ran now, so the preview never disagrees with the cart. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from mall.catalog import services as catalog
from mall.infra.money import cash_step
from mall.promotions.models import Offers
from mall.promotions.pricing import PriceLine, ShippingQuote, price
from mall.promotions.pricing.allocate import percent_half_up, percent_of
from mall.promotions.records import CampaignRecord, EntryStatus
from mall.promotions.services.shelf import live_limited

MAX_ROWS = 200


@dataclass(frozen=True)
class PreviewRow:
    product: object  # catalog Product
    status: str  # the entry's: approved | pending
    price_now: int  # the lowest unit price today (after the shop's own limited-time deals)
    price_then: int  # ... with the campaign too (the same for spend tiers: they depend on the whole cart)
    platform_pays: int  # of one unit's saving
    shop_pays: int

    @property
    def saving(self) -> int:
        return self.price_now - self.price_then

    @property
    def percent(self) -> int:
        return round(100 * self.saving / self.price_now) if self.price_now else 0


@dataclass(frozen=True)
class TierImpact:
    min_spend: int
    saving: int  # at exactly the threshold
    platform_pays: int
    shop_pays: int


@dataclass
class CampaignPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    tiers: list[TierImpact] = field(default_factory=list)
    shops: int = 0
    approved: int = 0
    pending: int = 0
    more: int = 0  # entries beyond MAX_ROWS, not priced here

    @property
    def saving_per_unit(self) -> int:
        """Saved on one unit of every approved product: what a sale of each costs the platform and the shops."""
        return sum(r.saving for r in self.rows if r.status == EntryStatus.APPROVED)

    @property
    def platform_per_unit(self) -> int:
        return sum(r.platform_pays for r in self.rows if r.status == EntryStatus.APPROVED)

    @property
    def shop_per_unit(self) -> int:
        return sum(r.shop_pays for r in self.rows if r.status == EntryStatus.APPROVED)


def _one_unit(product, variant, now, limited, rule, step) -> tuple[int, int, int, int]:
    """(price now, price with the campaign, platform's part, shop's part) of one unit of `variant`."""
    line = PriceLine(variant.id, product.shop_id, product.id, variant.id, variant.price, 1)
    shipping = {product.shop_id: ShippingQuote(product.shop_id, 0)}
    before = price([line], Offers(limited=tuple(limited)), shipping, now, step).line(variant.id).net
    if rule is None:
        return before, before, 0, 0
    after = price([line], Offers(limited=tuple(limited), campaigns=(rule,)), shipping, now, step).line(variant.id)
    mine = [a for a in after.allocations if a.promotion_id == rule.id]
    return before, after.net, sum(a.platform_funded for a in mine), sum(a.merchant_funded for a in mine)


async def campaign_preview(c, campaign: CampaignRecord) -> CampaignPreview:
    now, step = c.clock.now(), cash_step(c.settings.currency)
    entries = await c.promotions.entries_of(campaign_id=campaign.id)
    wanted = [e for e in entries if e.status in (EntryStatus.APPROVED, EntryStatus.PENDING)]
    wanted.sort(key=lambda e: (e.status != EntryStatus.APPROVED, e.created_at))
    preview = CampaignPreview(
        approved=sum(e.status == EntryStatus.APPROVED for e in wanted),
        pending=sum(e.status == EntryStatus.PENDING for e in wanted),
        shops=len({e.shop_id for e in wanted}),
        more=max(len(wanted) - MAX_ROWS, 0),
    )
    wanted = wanted[:MAX_ROWS]
    products = {p.id: p for p in await catalog.products_by_ids(c.products, [e.product_id for e in wanted])}
    limited = await live_limited(c, {p.shop_id for p in products.values()}) if products else []
    rule = None
    if campaign.percent_off is not None:  # as if it ran from now on
        window = {"starts_at": min(campaign.starts_at, now), "ends_at": max(campaign.ends_at, now + timedelta(1))}
        rule = replace(campaign.engine(products), **window)
    for entry in wanted:
        product = products.get(entry.product_id)
        if product is None or not product.variants:
            continue  # delisted: shoppers will not see it
        priced = [_one_unit(product, v, now, limited, rule, step) for v in product.variants]
        cheapest = min(priced, key=lambda p: (p[1], p[0]))
        preview.rows.append(PreviewRow(product, str(entry.status), *cheapest))
    for tier in campaign.tiers:
        saving = tier["save"] if tier.get("save") is not None else percent_of(tier["min_spend"], tier["percent"], step)
        platform = percent_half_up(saving, campaign.platform_share_percent, step)
        preview.tiers.append(TierImpact(tier["min_spend"], saving, platform, saving - platform))
    return preview
