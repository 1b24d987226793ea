"""The merchant's side of the platform's campaigns (聯合促銷), behind the handlers in merchant.py: the campaigns
open for entries with their funding split, entering the shop's products and withdrawing them, and who paid
for the discounts the shop gave (campaigns and the shop's own promotions), from paid orders.

Entries are always the session's shop's: another shop's product or entry is a 404 and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.infra.ids import is_id
from mall.infra.text import N_
from mall.orders import services as orders
from mall.promotions import merchant_forms as forms
from mall.promotions import services
from mall.promotions.models import Scope
from mall.promotions.records import CampaignRecord, CampaignStatus, EntryStatus, ShopPromotionKind, State
from mall.promotions.routes.merchant_pages import (
    PICKER,
    closed_button,
    own_products,
    product_choices,
    search_text,
    translated,
)
from mall.promotions.routes.merchant_views import page
from mall.web.i18n import gettext as _
from mall.web.i18n import ngettext

BASE = "/merchant/campaigns"
OPEN = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.LIVE, CampaignStatus.PAUSED)
IN = (EntryStatus.PENDING, EntryStatus.APPROVED)
OVER = N_("This campaign is over.")  # entries that stand; the others may be entered again


def is_open(campaign: CampaignRecord, now) -> bool:
    """Taking entries: not stopped or ended, and its end still ahead (a draft keeps its status past its end)."""
    return campaign.state(now) not in (State.ENDED, State.STOPPED) and now < campaign.ends_at


async def _products(c, entries) -> dict:
    found = await catalog.products_by_ids(c.products, [e.product_id for e in entries], include_hidden=True)
    return {p.id: p for p in found}


async def campaigns_list(request: Request):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    now = c.clock.now()
    open_ = [cp for cp in await services.campaigns(c, statuses=OPEN) if is_open(cp, now)]
    mine = await services.entries(c, shop_id=shop_id)
    by_campaign: dict[str, list] = {}
    for entry in mine:
        by_campaign.setdefault(entry.campaign_id, []).append(entry)
    return await page(
        request,
        "promotions/merchant_campaigns.html",
        campaigns=open_,
        entries=by_campaign,
        products=await _products(c, mine),
    )


async def _campaign(c, campaign_id: str) -> CampaignRecord:
    try:
        return await services.get_campaign(c, campaign_id)
    except services.PromotionError as exc:
        raise NotFound(_(exc.message)) from None


async def campaign_page(request: Request, campaign_id: str, *, typed=None, errors=None, status: int = 200):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    campaign = await _campaign(c, campaign_id)
    entries = await services.entries(c, campaign_id=campaign.id, shop_id=shop_id)
    typed = typed or {"product_ids": forms.picked(request.args, "product_ids") or []}
    q = search_text(request) if request.method == "GET" else ""
    return await page(
        request,
        "promotions/merchant_campaign.html",
        fragment=PICKER,
        campaign=campaign,
        open=is_open(campaign, c.clock.now()),
        entries=entries,
        entered={e.product_id: e for e in entries if e.status in IN},
        products=await _products(c, entries),
        choices=await product_choices(c, shop_id, q, typed["product_ids"]),
        picking="products",
        typed=typed,
        errors=translated(errors or {}),
        q=q,
        status=status,
    )


async def enter(request: Request, campaign_id: str):
    """Enter the ticked products; each waits for an operator's approval."""
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    campaign = await _campaign(c, campaign_id)
    params = request.form or {}
    parsed = forms.parse_entries(params)
    closed = forms.refused_fields(params, "entries")
    if closed or parsed.errors:
        errors = {"form": (closed[0], {"name": closed[1]})} if closed else parsed.errors
        return await campaign_page(request, campaign.id, typed=parsed.typed, errors=errors, status=422)
    ids = parsed.values["product_ids"]
    try:
        if not is_open(campaign, c.clock.now()):  # the service lets a draft past its end take entries
            raise services.PromotionError(OVER, 409)
        await own_products(c, shop_id, ids)
        entered = await services.enter_products(c, shop_id=shop_id, campaign_id=campaign.id, product_ids=ids)
    except services.PromotionError as exc:
        field = "product_ids" if exc.field == "product_ids" else "form"
        message = (exc.message, exc.params) if exc.params else exc.message
        return await campaign_page(request, campaign.id, typed=parsed.typed, errors={field: message},
                                   status=exc.status)  # fmt: skip
    if entered:
        text = ngettext(
            "%(num)d product entered. An operator reviews it before it joins the campaign.",
            "%(num)d products entered. An operator reviews each before it joins the campaign.",
            len(entered),
        )
        request.ctx.session.flash(text % {"num": len(entered)}, "success")
    if len(entered) < len(ids):
        request.ctx.session.flash(_("Products already waiting or approved stay as they were."), "info")
    return redirect(f"{BASE}/{campaign.id}", status=303)


async def withdraw(request: Request, campaign_id: str, product_id: str):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    if not (is_id(campaign_id) and is_id(product_id)):
        raise NotFound(_("No such entry."))
    closed_button(request)
    mine = {e.product_id: e for e in await services.entries(c, campaign_id=campaign_id, shop_id=shop_id)}
    entry = mine.get(product_id)
    if entry is None:
        raise NotFound(_("No such entry."))
    if entry.status not in IN:
        request.ctx.session.flash(_("This product is not in the campaign any more."), "warning")
        return redirect(f"{BASE}/{campaign_id}", status=303)
    try:
        await services.withdraw_entry(c, shop_id=shop_id, entry_id=entry.id)
    except services.PromotionError as exc:
        raise NotFound(_(exc.message)) from None
    request.ctx.session.flash(_("Withdrawn: the product leaves the campaign and its discount."), "success")
    return redirect(f"{BASE}/{campaign_id}", status=303)


# --- who paid for the discounts ------------------------------------------------------------------------------


@dataclass
class Funded:
    """One promotion's discounts on this shop's paid orders, and who paid them."""

    kind: str  # campaign | limited | threshold | coupon
    name: str
    figures: orders.PromotionFigures
    platform_percent: int = 0  # the campaign's agreed split; the shop's own are 0


async def _figures(c, shop_id: str, items) -> list[Funded]:
    out = []
    for kind, name, item_id, share in items:
        figures = await orders.promotion_figures(c, item_id, shop_id=shop_id)
        if figures.orders:
            out.append(Funded(kind, name, figures, share))
    return out


async def funding_page(request: Request):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    now = c.clock.now()
    joined = {e.campaign_id for e in await services.entries(c, shop_id=shop_id)}
    campaigns = [cp for cp in await services.campaigns(c) if cp.id in joined and cp.starts_at <= now]
    own_promotions = [p for p in await services.shop_promotions(c, shop_id) if p.starts_at <= now]
    coupons = [cp for cp in await services.coupons_of(c, scope=Scope.SHOP, shop_id=shop_id) if cp.starts_at <= now]
    kinds = {ShopPromotionKind.LIMITED_TIME: "limited", ShopPromotionKind.SPEND_THRESHOLD: "threshold"}
    platform = await _figures(c, shop_id, [("campaign", cp.name, cp.id, cp.platform_share_percent) for cp in campaigns])
    own = await _figures(
        c,
        shop_id,
        [(kinds[p.kind], p.name, p.id, 0) for p in own_promotions] + [("coupon", cp.code, cp.id, 0) for cp in coupons],
    )
    rows = platform + own
    total = {
        "discount": sum(r.figures.discount for r in rows),
        "platform": sum(r.figures.platform_funded for r in rows),
        "shop": sum(r.figures.merchant_funded for r in rows),
    }
    return await page(request, "promotions/merchant_funding.html", platform=platform, own=own, total=total)
