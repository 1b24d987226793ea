"""What the finance pages and API show, read from the ledger's totals (kept with every posting): a shop's balance
now, the platform's summary, the payouts over time."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mall.promotions import services as promotions
from mall.settlement.models import Payout, PayoutStatus, shop_accounts
from mall.settlement.services.ledger import balances


@dataclass(frozen=True)
class Balance:
    pending: int  # earned, not yet in a statement
    available: int  # in statements, not yet paid out, less what is held
    held: int  # kept back while a dispute is open
    in_transit: int
    paid_out: int


async def shop_balance(c, shop_id: str) -> Balance:
    pending, available, transit = shop_accounts(shop_id)
    found = await balances(c, [pending, available, transit])
    owed = -found[available]
    held = min(max(owed, 0), max(int(await c.disputed_amount(shop_id)), 0))
    figures = await c.ledger.total(f"figures:shop:{shop_id}")
    return Balance(-found[pending], owed - held, held, -found[transit], figures.get("paid_out", 0))


@dataclass(frozen=True)
class CampaignSubsidy:
    promotion_id: str
    name: str
    subsidy: int


@dataclass(frozen=True)
class Summary:
    gmv: int
    refunds: int
    commission: int
    subsidies: int
    owed: int
    in_transit: int
    paid_out: int
    orders: int
    campaigns: list[CampaignSubsidy]

    @property
    def platform_net(self) -> int:
        return self.commission - self.subsidies

    @property
    def take_rate_bp(self) -> int:
        """Commission ÷ (GMV − refunds), in basis points (0 while nothing was sold)."""
        kept = self.gmv - self.refunds
        return (self.commission * 10_000 + kept // 2) // kept if kept > 0 else 0


async def summary(c) -> Summary:
    platform = await c.ledger.total("figures:platform")
    owed = in_transit = 0
    for doc in await c.ledger.totals_prefixed("account:shop:"):
        owed -= doc.get("balance", 0)
        if doc["_id"].endswith(":transit"):
            in_transit -= doc.get("balance", 0)
    campaigns = []
    for doc in await c.ledger.totals_prefixed("figures:promo:"):
        promotion_id = doc["_id"].split(":", 2)[2]
        campaigns.append(CampaignSubsidy(promotion_id, await _promotion_name(c, promotion_id), doc.get("subsidy", 0)))
    campaigns.sort(key=lambda row: (-row.subsidy, row.name))
    return Summary(
        gmv=platform.get("gmv", 0), refunds=platform.get("refunds", 0), commission=platform.get("commission", 0),
        subsidies=platform.get("subsidies", 0), owed=owed, in_transit=in_transit, paid_out=platform.get("paid_out", 0),
        orders=platform.get("orders", 0), campaigns=campaigns,
    )  # fmt: skip


async def _promotion_name(c, promotion_id: str) -> str:
    for lookup in (promotions.get_campaign, promotions.get_coupon):
        try:
            record = await lookup(c, promotion_id)
        except promotions.PromotionError:
            continue
        if record is not None:
            return record.name
    return promotion_id


@dataclass(frozen=True)
class PayoutPoint:
    day: str  # local date
    amount: int
    failed: bool


def payout_points(c, payouts: list[Payout]) -> list[PayoutPoint]:
    """Paid and failed payouts by the day they settled, oldest first (the chart of payouts over time)."""
    zone = ZoneInfo(c.settings.timezone)
    settled = [p for p in payouts if p.status in (PayoutStatus.PAID, PayoutStatus.FAILED) and p.settled_at]
    settled.sort(key=lambda p: p.settled_at)
    return [
        PayoutPoint(p.settled_at.astimezone(zone).date().isoformat(), p.amount, p.status is PayoutStatus.FAILED)
        for p in settled
    ]


@dataclass(frozen=True)
class ShopFigures:
    shop_id: str
    gmv: int
    refunds: int
    commission: int
    subsidies: int
    paid_out: int
    pending: int
    available: int
    in_transit: int


async def shop_figures(c) -> list[ShopFigures]:
    """Every shop that ever earned: its sales, refunds, commission, subsidies, payouts and what it is owed now."""
    figures = {doc["_id"].split(":")[2]: doc for doc in await c.ledger.totals_prefixed("figures:shop:")}
    owed: dict[str, dict[str, int]] = {}
    for doc in await c.ledger.totals_prefixed("account:shop:"):
        _account, _shop, shop_id, part = doc["_id"].split(":")
        owed.setdefault(shop_id, {})[part] = -doc.get("balance", 0)
    rows = []
    for shop_id in sorted(set(figures) | set(owed)):
        f, o = figures.get(shop_id, {}), owed.get(shop_id, {})
        rows.append(
            ShopFigures(
                shop_id, f.get("gmv", 0), f.get("refunds", 0), f.get("commission", 0), f.get("subsidies", 0),
                f.get("paid_out", 0), o.get("pending", 0), o.get("available", 0), o.get("transit", 0),
            )
        )  # fmt: skip
    return rows
