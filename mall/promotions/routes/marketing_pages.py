"""The marketers' console pages behind the handlers in marketing.py: joint campaigns (聯合促銷) and platform coupons,
their create and edit forms, launch / pause / stop, the preview before a campaign runs and the live dashboard
while it runs; and the operators' queue of campaign entries.

Forms are closed (mall/promotions/marketing_forms.py). Every change goes through the promotions services, whose
conditional updates make a double click or a race harmless; a refusal is shown next to its field or as a flash."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.infra.images import ImageRejected
from mall.infra.text import N_
from mall.orders import services as orders
from mall.promotions import marketing_forms as forms
from mall.promotions import services
from mall.promotions.models import CouponKind, Scope
from mall.promotions.records import CampaignRecord, Control, EntryStatus, State
from mall.promotions.routes.merchant_pages import closed_button, translated
from mall.promotions.routes.merchant_views import formatters, page
from mall.shops import services as shops
from mall.web.forms import page_number
from mall.web.i18n import current_locale, ngettext
from mall.web.i18n import gettext as _
from mall.web.uploads import stored_image

CAMPAIGNS, COUPONS, ENTRIES = "/marketing/campaigns", "/marketing/coupons", "/operator/campaign-entries"
PER_PAGE = 20
BANNER_SIDE = 1600
CAMPAIGN_FILTERS = {
    "": None,
    "draft": (State.DRAFT,),
    "scheduled": (State.SCHEDULED,),
    "live": (State.LIVE,),
    "paused": (State.PAUSED,),
    "over": (State.ENDED, State.STOPPED),
}
FILTER_LABELS = {"draft": N_("Drafts"), "scheduled": N_("Upcoming"), "live": N_("Live"), "paused": N_("Paused"),
                 "over": N_("Over")}  # fmt: skip
# What a marketer may do to a campaign in each state (the services refuse the rest too).
CAMPAIGN_ACTIONS = {
    State.DRAFT: ("schedule", "launch", "edit", "stop"),
    State.SCHEDULED: ("launch", "edit", "stop"),
    State.LIVE: ("pause", "stop"),
    State.PAUSED: ("resume", "stop"),
}
RUN = {
    "schedule": services.schedule,
    "launch": services.launch_now,
    "pause": services.pause,
    "resume": services.resume,
    "stop": services.stop,
}
DONE = {
    "schedule": N_("Scheduled: it goes live by itself %(when)s."),
    "launch": N_("Launched: shoppers see it now."),
    "pause": N_("Paused: shoppers no longer get it until you resume it."),
    "resume": N_("Resumed: shoppers get it again."),
    "stop": N_("Stopped for good."),
}
COUPON_ACTIONS = {
    "pause": ((State.LIVE, State.SCHEDULED), Control.PAUSED),
    "resume": ((State.PAUSED,), Control.ACTIVE),
    "stop": ((State.LIVE, State.SCHEDULED, State.PAUSED), Control.STOPPED),
}


def _slice(items: list, request: Request) -> tuple[list, int, int]:
    """(the items of the page asked for, that page's number, how many pages); past the last page is the last."""
    pages = max((len(items) + PER_PAGE - 1) // PER_PAGE, 1)
    number = min(page_number(request), pages)
    return items[(number - 1) * PER_PAGE : number * PER_PAGE], number, pages


async def _campaign(c, campaign_id: str) -> CampaignRecord:
    try:
        return await services.get_campaign(c, campaign_id)
    except services.PromotionError as exc:
        raise NotFound(_(exc.message)) from None


async def entry_counts(c, campaign_ids) -> dict[str, dict[str, int]]:
    """campaign id -> {entry status: how many} (one query)."""
    counts: dict[str, dict[str, int]] = {cid: {} for cid in campaign_ids}
    for entry in await c.promotions.entries_of(campaign_ids=list(counts)) if counts else ():
        bucket = counts[entry.campaign_id]
        bucket[str(entry.status)] = bucket.get(str(entry.status), 0) + 1
    return counts


# --- campaigns: the list ------------------------------------------------------------------------------------


async def campaign_list(request: Request):
    c = request.app.ctx.c
    now = c.clock.now()
    chosen = request.args.get("state", "")
    if chosen not in CAMPAIGN_FILTERS:
        chosen = ""
    every = await services.campaigns(c)
    tally = {key: sum(cp.state(now) in states for cp in every) for key, states in CAMPAIGN_FILTERS.items() if states}
    wanted = CAMPAIGN_FILTERS[chosen]
    shown = [cp for cp in every if wanted is None or cp.state(now) in wanted]
    shown.sort(key=lambda cp: _listed_order(cp, now))
    rows, number, pages = _slice(shown, request)
    return await page(
        request,
        "promotions/marketing_campaigns.html",
        fragment="promotions/_marketing_campaign_table.html",
        rows=rows,
        chosen=chosen,
        tally=tally,
        filters=[(key, _(FILTER_LABELS[key])) for key in CAMPAIGN_FILTERS if key],
        entries=await entry_counts(c, [cp.id for cp in rows]),
        page=number,
        pages=pages,
    )


LIST_ORDER = {State.LIVE: 0, State.PAUSED: 1, State.SCHEDULED: 2, State.DRAFT: 3}


def _listed_order(campaign: CampaignRecord, now) -> tuple[int, float]:
    """Running first, then coming (soonest first), then the ones that are over (the latest to end first)."""
    rank = LIST_ORDER.get(campaign.state(now), 4)
    return (rank, -campaign.ends_at.timestamp() if rank == 4 else campaign.starts_at.timestamp())


async def campaign_summary(request: Request):
    """The marketing overview's card: campaigns live and coming, entries waiting, platform coupons live."""
    c = request.app.ctx.c
    now = c.clock.now()
    every = await services.campaigns(c)
    live = [cp for cp in every if cp.state(now) in (State.LIVE, State.PAUSED)]
    coming = sorted(
        (cp for cp in every if cp.state(now) in (State.SCHEDULED, State.DRAFT)), key=lambda cp: cp.starts_at
    )
    coupons = await services.coupons_of(c, scope=Scope.PLATFORM)
    pending = await c.promotions.entries_of(status=EntryStatus.PENDING)
    return await page(
        request,
        "promotions/_marketing_summary.html",
        live=live[:5],
        coming=coming[:5],
        coupons_live=sum(cp.state(now) is State.LIVE for cp in coupons),
        pending=len(pending),
    )


# --- campaigns: create and edit -----------------------------------------------------------------------------


async def _banner(request: Request) -> str | None:
    upload = request.files.get("banner") if request.files else None
    if upload is None or not upload.body:
        return None
    return await stored_image(request.app.ctx.c.settings, upload.body, max_side=BANNER_SIDE)


async def campaign_form(request: Request, *, typed: dict, errors: dict, campaign=None, status: int = 200):
    return await page(
        request,
        "promotions/marketing_campaign_form.html",
        typed=typed,
        errors=translated(errors),
        campaign=campaign,
        status=status,
    )


async def new_campaign(request: Request):
    c = request.app.ctx.c
    return await campaign_form(request, typed=forms.blank("campaign", c.clock.now(), timezone=c.settings.timezone),
                               errors={})  # fmt: skip


def _closed(params, form: str, parsed) -> dict | None:
    closed = forms.refused_fields(params, form)
    if closed:
        return {"form": (closed[0], {"name": closed[1]})}
    return parsed.errors or None


async def _parsed_campaign(request: Request):
    c = request.app.ctx.c
    params = {k: v for k, v in (request.form or {}).items() if k != "next"}
    parsed = forms.parse_campaign(params, currency=c.settings.currency, timezone=c.settings.timezone)
    errors = _closed(params, "campaign", parsed)
    banner = None
    if not errors:
        try:
            banner = await _banner(request)
        except ImageRejected as exc:
            errors = {"banner": str(exc)}
    return parsed, errors, banner


def _next(request: Request) -> str:
    value = (request.form or {}).get("next", "draft")
    return value if value in ("draft", "schedule") else "draft"


async def create_campaign(request: Request):
    c = request.app.ctx.c
    parsed, errors, banner = await _parsed_campaign(request)
    if errors:
        return await campaign_form(request, typed=parsed.typed, errors=errors, status=422)
    values = parsed.values
    try:
        made = await services.create_campaign(
            c, actor_id=request.ctx.user.id, name=values["name"], theme=values["theme"],
            starts_at=values["starts_at"], ends_at=values["ends_at"],
            platform_share_percent=values["platform_share_percent"], tiers=values["tiers"],
            percent_off=values["percent_off"], banner=banner, min_health_score=values["min_health_score"],
        )  # fmt: skip
        if _next(request) == "schedule":
            made = await services.schedule(c, made.id)
    except services.PromotionError as exc:
        errors = {forms.field_for("campaign", exc.field, parsed.typed): exc.message}
        return await campaign_form(request, typed=parsed.typed, errors=errors, status=exc.status)
    request.ctx.session.flash(
        _said(c, made, "schedule" if made.state(c.clock.now()) != State.DRAFT else None), "success"
    )
    return redirect(f"{CAMPAIGNS}/{made.id}", status=303)


def _said(c, campaign: CampaignRecord, action: str | None) -> str:
    if action is None:
        return _("“%(name)s” is saved as a draft. Merchants may enter products now; schedule it when ready.") % {
            "name": campaign.name
        }
    if action == "schedule" and campaign.state(c.clock.now()) is State.LIVE:
        return _(DONE["launch"])
    if action == "schedule":
        return _(DONE["schedule"]) % {"when": formatters(c)["relative"](campaign.starts_at)}
    return _(DONE[action])


async def edit_campaign_form(request: Request, campaign_id: str):
    c = request.app.ctx.c
    campaign = await _campaign(c, campaign_id)
    if campaign.state(c.clock.now()) not in (State.DRAFT, State.SCHEDULED):
        request.ctx.session.flash(_("Only a campaign that has not started can be changed."), "warning")
        return redirect(f"{CAMPAIGNS}/{campaign.id}", status=303)
    typed = forms.typed_from(campaign, currency=c.settings.currency, timezone=c.settings.timezone)
    return await campaign_form(request, typed=typed, errors={}, campaign=campaign)


async def edit_campaign(request: Request, campaign_id: str):
    c = request.app.ctx.c
    campaign = await _campaign(c, campaign_id)
    parsed, errors, banner = await _parsed_campaign(request)
    if errors:
        return await campaign_form(request, typed=parsed.typed, errors=errors, campaign=campaign, status=422)
    values = parsed.values
    changes = {k: values[k] for k in ("name", "theme", "starts_at", "ends_at", "tiers", "percent_off",
                                      "platform_share_percent", "min_health_score")}  # fmt: skip
    if banner or values.get("remove_banner"):
        changes["banner"] = banner
    try:
        await services.update_campaign(c, campaign.id, changes)
    except services.PromotionError as exc:
        errors = {forms.field_for("campaign", exc.field, parsed.typed): exc.message}
        return await campaign_form(request, typed=parsed.typed, errors=errors, campaign=campaign, status=exc.status)
    request.ctx.session.flash(_("Saved."), "success")
    return redirect(f"{CAMPAIGNS}/{campaign.id}", status=303)


# --- campaigns: one, its preview and its figures -------------------------------------------------------------


async def campaign_detail(request: Request, campaign_id: str):
    c = request.app.ctx.c
    campaign = await _campaign(c, campaign_id)
    state = campaign.state(c.clock.now())
    before = state in (State.DRAFT, State.SCHEDULED)
    return await page(
        request,
        "promotions/marketing_campaign.html",
        fragment="promotions/_marketing_campaign_head.html",
        campaign=campaign,
        state=state,
        actions=CAMPAIGN_ACTIONS.get(state, ()),
        preview=await services.campaign_preview(c, campaign) if before else None,
        fig=None if before else await figures_view(c, campaign.id),
        entries=(await entry_counts(c, [campaign.id]))[campaign.id],
    )


async def campaign_action(request: Request, campaign_id: str, action: str):
    if action not in RUN:
        raise NotFound(_("No such page."))
    closed_button(request)
    c = request.app.ctx.c
    campaign = await _campaign(c, campaign_id)
    try:
        moved = await RUN[action](c, campaign.id)
    except services.PromotionError as exc:
        request.ctx.session.flash(_(exc.message), "warning")
    else:
        request.ctx.session.flash(_said(c, moved, action), "success")
    return redirect(f"{CAMPAIGNS}/{campaign.id}", status=303)


# --- the live dashboard ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    orders: int
    gmv: int


CHART_W, CHART_H, CHART_HOURS = 600, 160, 48


def hour_bars(by_hour, zone: str) -> list[Bar]:
    """Orders' GMV per hour (the last CHART_HOURS hours with any), as SVG bars of one chart."""
    hours = by_hour[-CHART_HOURS:]
    if not hours:
        return []
    top = max(gmv for _h, _n, gmv in hours) or 1
    slot = CHART_W / max(len(hours), 8)
    bars = []
    for i, (hour, n, gmv) in enumerate(hours):
        height = max(round((CHART_H - 20) * gmv / top, 1), 2)
        label = hour.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:00")
        bars.append(Bar(round(i * slot + slot * 0.15, 1), round(CHART_H - height, 1), round(slot * 0.7, 1),
                        height, label, n, gmv))  # fmt: skip
    return bars


@dataclass
class FiguresView:
    f: object  # PromotionFigures
    bars: list[Bar]
    products: list[tuple[dict, int, int, float]]  # (name, units, saved, share of the top)
    shops: list[tuple[str, int, int, float]]  # (shop name, orders, gmv, share of the top)

    @property
    def top(self) -> int:
        """The highest hour's GMV: the chart's top line."""
        return max((bar.gmv for bar in self.bars), default=0)


async def figures_view(c, promotion_id: str) -> FiguresView:
    found = await orders.promotion_figures(c, promotion_id)
    top_units = max((u for _p, _n, u, _d in found.top_products), default=0) or 1
    top_gmv = max((g for _s, _n, g in found.top_shops), default=0) or 1
    names = await shops.shops_by_ids(c.shops, [s for s, _n, _g in found.top_shops])
    return FiguresView(
        f=found,
        bars=hour_bars(found.by_hour, c.settings.timezone),
        products=[(name, u, d, u / top_units) for _p, name, u, d in found.top_products],
        shops=[(names[s].name if s in names else s, n, g, g / top_gmv) for s, n, g in found.top_shops],
    )


async def figures(request: Request, what: str, item_id: str):
    c = request.app.ctx.c
    if what == "campaign":
        item = await _campaign(c, item_id)
    else:
        item = await _coupon(c, item_id)
    return await page(request, "promotions/_marketing_figures.html", fig=await figures_view(c, item.id),
                      item=item, state=item.state(c.clock.now()))  # fmt: skip


# --- platform coupons --------------------------------------------------------------------------------------


async def _coupon(c, coupon_id: str):
    try:
        return await services.get_coupon(c, coupon_id, scope=Scope.PLATFORM)
    except services.PromotionError as exc:
        raise NotFound(_(exc.message)) from None


async def coupon_list(request: Request):
    c = request.app.ctx.c
    now = c.clock.now()
    every = await services.coupons_of(c, scope=Scope.PLATFORM)
    order = {State.LIVE: 0, State.PAUSED: 1, State.SCHEDULED: 2}
    every.sort(key=lambda cp: (order.get(cp.state(now), 3), cp.starts_at))
    rows, number, pages = _slice(every, request)
    return await page(
        request,
        "promotions/marketing_coupons.html",
        rows=rows,
        page=number,
        pages=pages,
        actions=lambda state: [a for a, (states, _c) in COUPON_ACTIONS.items() if state in states],
    )


async def coupon_form(request: Request, *, typed: dict, errors: dict, status: int = 200):
    return await page(request, "promotions/marketing_coupon_form.html", typed=typed, errors=translated(errors),
                      status=status)  # fmt: skip


async def new_coupon(request: Request):
    c = request.app.ctx.c
    return await coupon_form(request, typed=forms.blank("coupon", c.clock.now(), timezone=c.settings.timezone),
                             errors={})  # fmt: skip


async def create_coupon(request: Request):
    c = request.app.ctx.c
    params = request.form or {}
    parsed = forms.parse_coupon(params, currency=c.settings.currency, timezone=c.settings.timezone)
    errors = _closed(params, "coupon", parsed)
    if errors:
        return await coupon_form(request, typed=parsed.typed, errors=errors, status=422)
    v = parsed.values
    try:
        made = await services.create_coupon(
            c, actor_id=request.ctx.user.id, scope=Scope.PLATFORM, shop_id=None, name=v["name"],
            kind=CouponKind(v["kind"]), value=v["value"], cap=v.get("cap"), min_spend=v["min_spend"],
            total=v["total"], per_user=v["per_user"], code=v["code"], claimable=v["claimable"],
            starts_at=v["starts_at"], ends_at=v["ends_at"],
        )  # fmt: skip
    except services.PromotionError as exc:
        errors = {forms.field_for("coupon", exc.field, parsed.typed): exc.message}
        return await coupon_form(request, typed=parsed.typed, errors=errors, status=exc.status)
    request.ctx.session.flash(_("Coupon %(name)s is saved.") % {"name": made.code}, "success")
    return redirect(f"{COUPONS}/{made.id}", status=303)


async def coupon_detail(request: Request, coupon_id: str):
    c = request.app.ctx.c
    coupon = await _coupon(c, coupon_id)
    state = coupon.state(c.clock.now())
    return await page(
        request,
        "promotions/marketing_coupon.html",
        coupon=coupon,
        state=state,
        actions=[a for a, (states, _c) in COUPON_ACTIONS.items() if state in states],
        fig=await figures_view(c, coupon.id),
    )


async def coupon_action(request: Request, coupon_id: str, action: str):
    if action not in COUPON_ACTIONS:
        raise NotFound(_("No such page."))
    closed_button(request)
    c = request.app.ctx.c
    coupon = await _coupon(c, coupon_id)
    states, control = COUPON_ACTIONS[action]
    if coupon.state(c.clock.now()) not in states:
        request.ctx.session.flash(_("This coupon cannot do that now: it is %(state)s.") % {
            "state": _(STATE_WORDS.get(coupon.state(c.clock.now()), "over"))}, "warning")  # fmt: skip
        return redirect(f"{COUPONS}/{coupon.id}", status=303)
    try:
        await services.set_coupon_control(c, coupon.id, control, scope=Scope.PLATFORM, shop_id=None)
    except services.PromotionError as exc:
        request.ctx.session.flash(_(exc.message), "warning")
    else:
        request.ctx.session.flash(_(DONE[action]), "success")
    return redirect(f"{COUPONS}/{coupon.id}", status=303)


STATE_WORDS = {State.ENDED: N_("over"), State.STOPPED: N_("stopped"), State.PAUSED: N_("paused"),
               State.LIVE: N_("live"), State.SCHEDULED: N_("upcoming")}  # fmt: skip


# --- operators: entries waiting for a decision ---------------------------------------------------------------


@dataclass
class EntryRow:
    entry: object
    product: object
    shop: object
    campaign: CampaignRecord


async def entry_queue(request: Request, *, errors: dict | None = None, typed_reason: str = "", status: int = 200):
    c = request.app.ctx.c
    wanted = request.args.get("campaign", "")
    pending = await c.promotions.entries_of(status=EntryStatus.PENDING)
    campaigns = {cp.id: cp for cp in await services.campaigns(c)}
    now = c.clock.now()
    pending = [e for e in pending if e.campaign_id in campaigns and campaigns[e.campaign_id].state(now)
               not in (State.ENDED, State.STOPPED)]  # fmt: skip
    waiting_in = sorted({e.campaign_id for e in pending}, key=lambda cid: campaigns[cid].starts_at)
    if wanted in campaigns:
        pending = [e for e in pending if e.campaign_id == wanted]
    pending.sort(key=lambda e: (campaigns[e.campaign_id].starts_at, e.created_at))
    shown, number, pages = _slice(pending, request)
    products = {p.id: p for p in await catalog.products_by_ids(c.products, [e.product_id for e in shown],
                                                                include_hidden=True)}  # fmt: skip
    shop_by_id = await shops.shops_by_ids(c.shops, [e.shop_id for e in shown])
    rows = [EntryRow(e, products.get(e.product_id), shop_by_id.get(e.shop_id), campaigns[e.campaign_id])
            for e in shown]  # fmt: skip
    return await page(
        request,
        "promotions/operator_entries.html",
        fragment="promotions/_operator_entries_table.html",
        rows=rows,
        total=len(pending),
        chosen=wanted if wanted in campaigns else "",
        waiting_in=[campaigns[cid] for cid in waiting_in],
        errors=errors or {},
        typed_reason=typed_reason,
        page=number,
        pages=pages,
        status=status,
    )


async def decide(request: Request, entry_id: str, approve: bool):
    c = request.app.ctx.c
    params = request.form or {}
    allowed = {"csrf_token"} if approve else {"csrf_token", "reason"}
    extra = sorted(set(params) - allowed)
    if extra:
        message = _("This form does not accept the field “%(name)s”.") % {"name": extra[0]}
        return await entry_queue(request, errors={entry_id: message}, status=422)
    reason = str(params.get("reason", "") or "")
    back = f"{ENTRIES}?campaign={request.args.get('campaign', '')}" if request.args.get("campaign") else ENTRIES
    try:
        entry = await services.decide_entry(c, operator_id=request.ctx.user.id, entry_id=entry_id, approve=approve,
                                            reason=reason)  # fmt: skip
    except services.PromotionError as exc:
        if exc.status == 404:
            raise NotFound(_(exc.message)) from None
        if exc.field == "reason":
            return await entry_queue(request, errors={entry_id: _(exc.message)}, typed_reason=reason[:500],
                                     status=422)  # fmt: skip
        request.ctx.session.flash(_(exc.message), "warning")
        return redirect(back, status=303)
    products = await catalog.products_by_ids(c.products, [entry.product_id], include_hidden=True)
    name = products[0].name if products else {}
    label = name.get(current_locale()) or name.get("en") or next(iter(name.values()), "")
    said = (
        _("Approved: “%(name)s” is in the campaign.")
        if approve
        else _("Refused: “%(name)s”; the shop sees your reason.")
    )
    request.ctx.session.flash(said % {"name": label}, "success")
    return redirect(back, status=303)


async def entries_alert(request: Request, campaign_id: str):
    c = request.app.ctx.c
    campaign = await _campaign(c, campaign_id)
    waiting = await c.promotions.entries_of(campaign_id=campaign.id, status=EntryStatus.PENDING)
    return await page(
        request,
        "realtime/_toast_body.html",
        title=_("Products entered into a campaign"),
        text=ngettext("%(name)s · %(num)d waiting for you", "%(name)s · %(num)d waiting for you", len(waiting))
        % {"name": campaign.name, "num": len(waiting)},
        link=f"{ENTRIES}?campaign={campaign.id}",
        link_label=_("Review"),
    )
