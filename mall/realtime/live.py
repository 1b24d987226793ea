"""Domain events -> channel messages. Messages carry no user text: a toast
that loads its own content and a list of page regions to refresh. Each page
region knows its own URL (`hx-trigger="live-refresh"`), so what a person sees
is fetched fresh, in their language, through the usual access checks."""

from __future__ import annotations

from html import escape

from mall.realtime import services
from mall.realtime.models import NOTE_KINDS


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

    bus = c.events
    bus.subscribe("order.status_changed", order_changed)
    bus.subscribe("order.realert", order_realert)
    bus.subscribe("stock.low", stock_low)
    bus.subscribe("shop.applied", shop_applied)
    bus.subscribe("shop.approved", shop_decided)
    bus.subscribe("shop.rejected", shop_decided)
