"""What the console pages show of a sale: the product and SKU, the shop, the live figures, its state in
words and its window in the platform's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_timedelta
from babel.numbers import format_percent
from sanic import Request

from mall.catalog import services as catalog
from mall.catalog.models import Product, Variant
from mall.flash_sales import services
from mall.flash_sales.models import Figures, FlashSale
from mall.infra.text import N_
from mall.shops import services as shops
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import render

STATES = ("running", "upcoming", "pending_approval", "ended", "cancelled", "rejected")
STATE_LABELS = {
    "pending_approval": N_("Pending approval"),
    "upcoming": N_("Upcoming"),
    "running": N_("Running"),
    "ended": N_("Ended"),
    "cancelled": N_("Cancelled"),
    "rejected": N_("Rejected"),
}


@dataclass
class SaleView:
    sale: FlashSale
    state: str
    editable: bool
    product: Product | None
    variant: Variant | None
    shop_name: str
    figures: Figures | None

    def name(self, locale: str) -> str:
        return self.product.display_name(locale) if self.product else _("A product that was deleted")

    @property
    def options(self) -> str:
        return " / ".join(self.variant.options.values()) if self.variant else ""

    @property
    def normal_price(self) -> int | None:
        return self.variant.price if self.variant else None

    @property
    def percent_off(self) -> int | None:
        normal = self.normal_price
        return round(100 * (normal - self.sale.price) / normal) if normal else None


async def sale_views(c, sales: list[FlashSale], *, with_figures: bool = True) -> list[SaleView]:
    """Sales with their products (whatever their status now), shops and live figures, in a few queries."""
    found = await catalog.products_by_ids(c.products, [s.product_id for s in sales], include_hidden=True)
    products = {p.id: p for p in found}
    shop_names = {i: s.name for i, s in (await shops.shops_by_ids(c.shops, [s.shop_id for s in sales])).items()}
    figures = await services.live_figures_many(c, sales) if with_figures else {}
    now = c.clock.now()
    views = []
    for sale in sales:
        product = products.get(sale.product_id)
        variant = next((v for v in product.variants if v.id == sale.variant_id), None) if product else None
        views.append(
            SaleView(
                sale=sale,
                state=str(sale.state(now)),
                editable=sale.editable(now),
                product=product,
                variant=variant,
                shop_name=shop_names.get(sale.shop_id, ""),
                figures=figures.get(sale.id),
            )
        )
    return views


@dataclass(frozen=True)
class Window:
    """When a sale runs, in the platform's zone, in two parts that wrap well: "Tue, Nov 24" "20:00 – 22:00"
    (or "Tue, Nov 24 20:00 –" "Wed, Nov 25 02:00" when it runs past midnight)."""

    first: str
    second: str
    start: str  # "20:00"
    end: str

    def __str__(self) -> str:
        return f"{self.first} {self.second}"


def _formatters(c):
    zone, locale = ZoneInfo(c.settings.timezone), Locale.parse(current_locale())
    now = c.clock.now()

    def day(when: datetime) -> str:
        return format_skeleton("MMMEd" if when.year == now.astimezone(zone).year else "yMMMEd", when, locale=locale)

    def window(sale: FlashSale) -> Window:
        start, end = sale.starts_at.astimezone(zone), sale.ends_at.astimezone(zone)
        hm = lambda when: format_skeleton("Hm", when, locale=locale)  # noqa: E731
        if start.date() == end.date():
            return Window(day(start), f"{hm(start)} – {hm(end)}", hm(start), hm(end))
        return Window(f"{day(start)} {hm(start)} –", f"{day(end)} {hm(end)}", hm(start), hm(end))

    def relative(when: datetime) -> str:
        """ "in 2 hours" / "3 minutes ago"."""
        return format_timedelta(when - c.clock.now(), add_direction=True, threshold=1.1, locale=locale)

    def percent(share: float | None) -> str:
        return "–" if share is None else format_percent(share, locale=locale)

    return {"window": window, "relative": relative, "percent": percent}


async def page(request: Request, template: str, *, fragment: str | None = None, status: int = 200, **context):
    """render() with the labels and formatters every console template uses."""
    c = request.app.ctx.c
    return await render(
        request,
        template,
        fragment=fragment,
        status=status,
        state_label=lambda state: _(STATE_LABELS.get(state, state)),
        states=STATES,
        zone=c.settings.timezone,
        approval=c.settings.flash_featured_approval,
        **_formatters(c),
        **context,
    )
