"""The health score's components, in the order pages show them. Each measures one thing over the window from
another domain's services; `Sources` fetches each domain's figures once per computation.

To add one (chat: response time, next), write its measure and append a Component: the score, its explanation,
the stored record and the warning follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mall.aftersales import services as aftersales
from mall.infra.text import N_
from mall.orders import services as orders
from mall.reputation.models import Component, Measure, Unit
from mall.reviews import services as reviews


@dataclass
class Sources:
    """One shop's window; each domain's figures read once, on first use."""

    c: object
    shop_id: str
    since: datetime
    days: int
    _cache: dict = field(default_factory=dict)

    async def fulfilment(self) -> orders.FulfilmentFigures:
        if "orders" not in self._cache:
            self._cache["orders"] = await orders.fulfilment_figures(self.c, shop_id=self.shop_id, since=self.since)
        return self._cache["orders"]

    async def after_sales(self) -> tuple[aftersales.RefundRate, aftersales.DisputesLost]:
        if "aftersales" not in self._cache:
            self._cache["aftersales"] = (
                await aftersales.refund_rate(self.c, self.shop_id, self.since),
                await aftersales.disputes_lost(self.c, self.shop_id, self.since),
            )
        return self._cache["aftersales"]


def percent(part: int, whole: int) -> Measure:
    return Measure(round(100 * part / whole, 1) if whole else None, part, whole)


async def shop_ratings(src: Sources) -> Measure:
    dsr = await reviews.shop_rating_window(src.c, src.shop_id, src.days)
    return Measure(dsr.overall, dsr.count, dsr.count)


async def cancelled_by_shop(src: Sources) -> Measure:
    figures = await src.fulfilment()
    return percent(figures.cancelled_by_shop, figures.paid)


async def late_shipments(src: Sources) -> Measure:
    figures = await src.fulfilment()
    return percent(figures.late, figures.due)


async def bad_reviews(src: Sources) -> Measure:
    total, low = await reviews.shop_review_counts(src.c, src.shop_id, src.since)
    return percent(low, total)


async def refunded_orders(src: Sources) -> Measure:
    rate, _lost = await src.after_sales()
    return percent(rate.refunded_orders, rate.orders)


async def disputes_lost(src: Sources) -> Measure:
    _rate, lost = await src.after_sales()
    return percent(lost.lost, lost.orders)  # per 100 orders


COMPONENTS: list[Component] = [
    Component(
        key="dsr", label=N_("Shop ratings (DSR)"), weight=25, good=4.8, bad=3.5, unit=Unit.STARS,
        explain=N_("The average of the three shop ratings buyers gave: item as described, service, shipping speed."),
        measure=shop_ratings,
    ),
    Component(
        key="cancelled", label=N_("Orders cancelled by the shop"), weight=20, good=2.0, bad=20.0, unit=Unit.PERCENT,
        explain=N_("Paid orders the shop cancelled, out of all paid orders."),
        measure=cancelled_by_shop,
    ),
    Component(
        key="late", label=N_("Late shipments"), weight=20, good=5.0, bad=30.0, unit=Unit.PERCENT,
        explain=N_("Paid orders shipped after their ship-by time (or still unshipped past it), out of those due."),
        measure=late_shipments,
    ),
    Component(
        key="bad_reviews", label=N_("1–2★ reviews"), weight=15, good=5.0, bad=30.0, unit=Unit.PERCENT,
        explain=N_("Reviews with one or two stars, out of all reviews of the shop's products."),
        measure=bad_reviews,
    ),
    Component(
        key="refunds", label=N_("Orders refunded after the sale"), weight=10, good=2.0, bad=15.0, unit=Unit.PERCENT,
        explain=N_("Paid orders refunded in part or in full through an after-sales request, out of all paid orders."),
        measure=refunded_orders,
    ),
    Component(
        key="disputes_lost", label=N_("Disputes lost (per 100 orders)"), weight=10, good=0.5, bad=5.0,
        unit=Unit.PERCENT,
        explain=N_("After-sales disputes the platform decided with a refund for the buyer, per 100 paid orders."),
        measure=disputes_lost,
    ),
]  # fmt: skip
BY_KEY = {component.key: component for component in COMPONENTS}
