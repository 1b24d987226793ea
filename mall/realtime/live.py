"""Domain events -> channel messages. Messages carry no user text: a toast
that loads its own content and a list of page regions to refresh. Each page
region knows its own URL (`hx-trigger="live-refresh"`), so what a person sees
is fetched fresh, in their language, through the usual access checks."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from mall.catalog import services as catalog
from mall.flash_sales import services as flash
from mall.realtime import services
from mall.realtime.models import NOTE_KINDS

log = logging.getLogger("mall.realtime")
STOCK_DELAY = 0.25  # seconds: the remaining count is read (and pushed) once this long after it changed
DEALS_REGIONS = ["#deals-list", "#deals-strip"]


def toast(url: str) -> str:
    """Append a toast that fetches its own content."""
    loader = f'<div hx-get="{escape(url)}" hx-trigger="load" hx-swap="outerHTML"></div>'
    return f'<div id="toasts" hx-swap-oob="beforeend">{loader}</div>'


def order_regions(order_id: str) -> list[str]:
    return [f"#order-live[data-order='{order_id}']"]


def install(c) -> None:
    """Subscribe the realtime fan-out to the domain events on c.events."""

    async def shop_message(shop_id: str, kind: str, *, html: str = "", refresh=(), **data) -> None:
        await services.publish(c.channels, f"shop:{shop_id}", kind, html=html, data={"refresh": list(refresh), **data})

    async def order_changed(_name: str, p: dict) -> None:
        order_id, status = p["order_id"], p["status"]
        merchant_regions = ["#order-table", "#orders-badge", *order_regions(order_id)]
        if status == "paid" and p.get("previous") in ("pending_payment", "expired"):
            await shop_message(
                p["shop_id"],
                "order.paid",
                html=toast(f"/live/alerts/order/{order_id}"),
                refresh=merchant_regions,
                sound=True,
                order=p["number"],
            )
            await services.publish(
                c.channels,
                "ops",
                "order.paid",
                data={
                    "refresh": ["#ops-feed"],
                    "number": p["number"],
                    "total": p["total"],
                    "shop_id": p["shop_id"],
                    "order_id": order_id,
                },
            )
        else:
            await shop_message(p["shop_id"], f"order.{status}", refresh=merchant_regions, order=p["number"])
        kind = f"order.{status}"
        if kind in NOTE_KINDS:
            await services.notify(
                c.notifications,
                c.channels,
                c.clock,
                user_id=p["user_id"],
                kind=kind,
                params={"number": p["number"]},
                link=f"/orders/{order_id}",
                html=toast(f"/live/alerts/my-order/{order_id}"),
                refresh=[*order_regions(order_id), "#my-orders", "#bell-count"],
            )

    async def order_realert(_name: str, p: dict) -> None:
        await shop_message(
            p["shop_id"],
            "order.realert",
            html=toast(f"/live/alerts/order/{p['order_id']}?again=1"),
            refresh=["#orders-badge"],
            sound=True,
            order=p["number"],
        )

    async def stock_low(_name: str, p: dict) -> None:
        await shop_message(
            p["shop_id"],
            "stock.low",
            html=toast(f"/live/alerts/stock/{p['product_id']}/{p['variant_id']}"),
            sku=p["sku"],
            remaining=p["remaining"],
        )

    async def shop_applied(_name: str, p: dict) -> None:
        await services.publish(
            c.channels,
            "ops",
            "shop.applied",
            html=toast(f"/live/alerts/application/{p['shop_id']}"),
            data={"refresh": ["#ops-feed"], "shop_id": p["shop_id"], "shop_name": p["shop_name"]},
        )

    async def shop_decided(name: str, p: dict) -> None:
        await services.notify(
            c.notifications,
            c.channels,
            c.clock,
            user_id=p["owner_id"],
            kind=name,
            params={"shop": p["shop_name"]},
            link="/merchant" if name == "shop.approved" else "/apply",
            html="",
            refresh=["#bell-count"],
        )

    install_flash(c)
    bus = c.events
    bus.subscribe("order.status_changed", order_changed)
    bus.subscribe("order.realert", order_realert)
    bus.subscribe("stock.low", stock_low)
    bus.subscribe("shop.applied", shop_applied)
    bus.subscribe("shop.approved", shop_decided)
    bus.subscribe("shop.rejected", shop_decided)


def install_flash(c) -> None:
    """Flash sales on the `deals` channel (anyone may join it, guests too): numbers and states only,
    no text; each page words them itself. A reminder is the one message for a single user."""
    pending: set[asyncio.Task] = set()  # strong references until each delayed push is done

    async def push_remaining(sale_id: str) -> None:
        await asyncio.sleep(STOCK_DELAY)
        try:
            sale = await flash.get_sale(c, sale_id)
            left = await flash.remaining(c, sale_id)
            kind = "flash.sold_out" if left <= 0 else "flash.stock"
            data = {"sale_id": sale.id, "remaining": left, "quantity": sale.quantity}
            await services.publish(c.channels, "deals", kind, data=data)
        except Exception:
            log.exception("flash sale %s: could not push its remaining count", sale_id)

    async def stock_changed(_name: str, p: dict) -> None:
        """At most 4 a second per sale (lua.py's tick), each pushed once, after STOCK_DELAY: the
        reservations of those 250 ms become one message, and the publisher never waits for it."""
        task = asyncio.create_task(push_remaining(p["sale_id"]))
        pending.add(task)
        task.add_done_callback(pending.discard)

    async def sale_flipped(name: str, p: dict) -> None:
        state = "running" if name == "flash.opened" else "ended"
        await services.publish(c.channels, "deals", name, data={"sale_id": p["sale_id"], "state": state})

    async def listing_changed(name: str, p: dict) -> None:
        await services.publish(c.channels, "deals", name, data={"sale_id": p["sale_id"], "refresh": DEALS_REGIONS})

    async def reminder(_name: str, p: dict) -> None:
        found = await catalog.products_by_ids(c.products, [p["product_id"]])
        if not found:
            return  # delisted meanwhile: nothing to buy
        await services.notify(
            c.notifications,
            c.channels,
            c.clock,
            user_id=p["user_id"],
            kind="flash.reminder",
            params={"product": dict(found[0].name)},
            link=f"/flash/{p['sale_id']}",
            html=toast(f"/live/alerts/flash/{p['sale_id']}"),
            refresh=["#bell-count"],
            sound=True,
        )

    bus = c.events
    bus.subscribe("flash.stock", stock_changed)
    bus.subscribe("flash.opened", sale_flipped)
    bus.subscribe("flash.ended", sale_flipped)
    bus.subscribe("flash.scheduled", listing_changed)
    bus.subscribe("flash.cancelled", listing_changed)
    bus.subscribe("flash.reminder", reminder)
