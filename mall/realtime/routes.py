"""The one WebSocket endpoint. The handshake is refused (403) for a foreign
Origin or a channel the session may not join; messages are JSON envelopes
{channel, seq, kind, html, data}; a client resumes with
{"type": "resume", "last": {channel: seq}}; the server answers {"type": "ready"} once
subscribed, then sends what it missed, in order, then live messages."""

from __future__ import annotations

import asyncio
import contextlib
import json

from sanic import Blueprint, Request
from sanic.exceptions import Forbidden, NotFound
from sanic.response import html, redirect

from mall.catalog import services as catalog
from mall.infra.ids import is_id
from mall.orders import services as orders
from mall.realtime import services
from mall.realtime.hub import Subscriber
from mall.realtime.models import NOTE_KINDS, allowed_channels, may_join
from mall.shops import services as shops
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import is_htmx, render

bp = Blueprint("realtime")
RESUME_WAIT = 2.0


@bp.on_request
async def check_channels(request: Request):
    """Runs before the upgrade, so a refusal is a plain 403 at the handshake."""
    if request.path != "/ws":
        return
    wanted = request.args.get("channels")
    user = request.ctx.user
    if wanted:
        channels = {name.strip() for name in wanted.split(",") if name.strip()}
        if not channels or len(channels) > 10 or not all(may_join(user, ch) for ch in channels):
            raise Forbidden(_("You may not join that channel."))
    else:
        channels = allowed_channels(user)
    request.ctx.rt_channels = channels


@bp.websocket("/ws", ctx_access="public")
async def socket(request: Request, ws):
    """One task per connection, this one: it replays what a resuming client missed, then reads (and ignores) the
    client's frames until it goes. Live messages are sent by the subscriber, with a task only while some wait."""
    hub = request.app.ctx.hub
    store = request.app.ctx.c.channels
    subscriber = Subscriber(ws.send, request.ctx.rt_channels)
    closing: list[asyncio.Task] = []
    subscriber.on_overflow = lambda: closing.append(
        asyncio.create_task(ws.close(code=1013, reason="too slow; reconnect and resume"), name="ws: close")
    )
    request.ctx.session = request.ctx.user = None  # what the handshake needed; the connection keeps neither
    hub.join(subscriber)
    try:
        first = await ws.recv(timeout=RESUME_WAIT)
        resume = services.parse_resume(first, subscriber.channels) if first else {}
        subscriber.last.update(resume)
        await ws.send(json.dumps({"type": "ready", "channels": sorted(subscriber.channels)}))
        for channel, last_seq in resume.items():
            for seq, raw in await services.missed(store, channel, last_seq):
                await subscriber.deliver(channel, seq, raw)
        subscriber.go_live()
        while await ws.recv() is not None:
            pass
    finally:
        hub.leave(subscriber)
        for task in (subscriber.stop(), *closing):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


@bp.get("/notifications", ctx_access="user")
async def notifications_page(request: Request):
    c = request.app.ctx.c
    page = _page(request)
    items, total = await services.list_notifications(c.notifications, request.ctx.user.id, page=page)
    pages = max(1, -(-total // 20))
    return await render(request, "realtime/notifications.html", items=items, page=page, pages=pages, note_text=_text)


def _text(note) -> str:
    template = NOTE_KINDS.get(note.kind)
    return _(template) % _localized(note.params) if template else note.kind


def _localized(params: dict) -> dict:
    """A bilingual {"en": ..., "zh_Hant": ...} parameter (a product name) in the reader's language; a {"msgid": ...}
    parameter (a UI string, e.g. a health score component's name) translated."""
    locale = current_locale()

    def one(value):
        if "msgid" in value:
            return _(str(value["msgid"]))
        return (value.get(locale) or value.get("en") or next(iter(value.values()), "")) if value else ""

    return {key: one(value) if isinstance(value, dict) else value for key, value in params.items()}


@bp.post("/notifications/read", ctx_access="user")
async def notifications_read(request: Request):
    c = request.app.ctx.c
    await services.mark_all_read(c.notifications, c.clock, request.ctx.user.id)
    return redirect("/notifications")


def _page(request: Request) -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


# --- fragments the live messages ask for (each behind the usual access checks) ---------------


@bp.get("/live/bell", ctx_access="user")
async def live_bell(request: Request):
    return await render(request, "realtime/_bell_count.html")


@bp.get("/live/orders-badge", ctx_access="merchant")
async def live_orders_badge(request: Request):
    pending = await orders.unacknowledged(request.app.ctx.c, shop_id=request.ctx.shop_id)
    return await render(request, "realtime/_orders_badge.html", count=len(pending))


@bp.get("/live/alerts/pending", ctx_access="merchant")
async def live_pending_alerts(request: Request):
    """Sticky toasts for every paid order the shop has not acknowledged yet."""
    pending = await orders.unacknowledged(request.app.ctx.c, shop_id=request.ctx.shop_id)
    return await render(request, "realtime/_order_alerts.html", orders=pending, again=False)


@bp.get("/live/alerts/order/<order_id:str>", ctx_access="merchant")
async def live_order_alert(request: Request, order_id: str):
    order = await _shop_order(request, order_id)
    if order.alert_acked_at is not None or str(order.status) != "paid":
        return html("")
    return await render(request, "realtime/_order_alerts.html", orders=[order], again="again" in request.args)


@bp.post("/merchant/orders/<order_id:str>/ack", ctx_access="merchant")
async def acknowledge_order(request: Request, order_id: str):
    c = request.app.ctx.c
    await _shop_order(request, order_id)
    await orders.acknowledge(c, shop_id=request.ctx.shop_id, order_id=order_id, user_id=request.ctx.user.id)
    if is_htmx(request):
        pending = await orders.unacknowledged(c, shop_id=request.ctx.shop_id)
        return await render(request, "realtime/_ack_done.html", count=len(pending))
    return redirect(f"/merchant/orders/{order_id}")


@bp.get("/live/alerts/my-order/<order_id:str>", ctx_access="user")
async def live_my_order_alert(request: Request, order_id: str):
    c = request.app.ctx.c
    if not is_id(order_id):
        raise NotFound()
    try:
        order = await orders.shopper_order(c, user_id=request.ctx.user.id, order_id=order_id)
    except orders.NotFound:
        raise NotFound() from None
    kind = f"order.{order.status}"
    text = _(NOTE_KINDS[kind]) % {"number": order.number} if kind in NOTE_KINDS else order.number
    return await render(
        request,
        "realtime/_toast_body.html",
        title=text,
        link=f"/orders/{order.id}",
        link_label=_("View order"),
        tone="success",
    )


@bp.get("/live/alerts/stock/<product_id:str>/<variant_id:str>", ctx_access="merchant")
async def live_stock_alert(request: Request, product_id: str, variant_id: str):
    c = request.app.ctx.c
    found = await catalog.variant_stock(c.products, product_id, variant_id) if is_id(product_id) else None
    if found is None or found[0] != request.ctx.shop_id:
        raise NotFound()
    _shop, sku, remaining = found
    return await render(
        request,
        "realtime/_toast_body.html",
        tone="warning",
        title=_("Low stock"),
        text=_("SKU %(sku)s has %(num)d left.") % {"sku": sku, "num": remaining},
        link=f"/merchant/products/{product_id}/edit",
        link_label=_("Restock"),
    )


@bp.get("/live/alerts/application/<shop_id:str>", ctx_access="operator")
async def live_application_alert(request: Request, shop_id: str):
    shop = await shops.get_shop(request.app.ctx.c.shops, shop_id) if is_id(shop_id) else None
    if shop is None:
        raise NotFound()
    return await render(
        request,
        "realtime/_toast_body.html",
        title=_("New shop application"),
        text=shop.name,
        link=f"/operator/shops/{shop.id}",
        link_label=_("Review"),
    )


@bp.get("/operator/feed", ctx_access="operator")
async def operator_feed(request: Request):
    c = request.app.ctx.c
    entries = await services.ops_feed(c.channels)
    shop_ids = {e["data"].get("shop_id") for e in entries if e["data"].get("shop_id")}
    names = {sid: s.name for sid, s in (await shops.shops_by_ids(c.shops, list(shop_ids))).items()}
    return await render(request, "realtime/_ops_feed.html", entries=entries, shop_names=names)


async def _shop_order(request: Request, order_id: str):
    if not is_id(order_id):
        raise NotFound()
    try:
        return await orders.merchant_order(request.app.ctx.c, shop_id=request.ctx.shop_id, order_id=order_id)
    except orders.NotFound:
        raise NotFound() from None
