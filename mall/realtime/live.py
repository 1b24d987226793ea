"""Domain events -> channel messages. Messages carry no user text: only
out-of-band placeholders that ask the page to fetch its own fresh fragment
(in the viewer's language, through the normal access checks), toasts loaded
the same way, and a `sound` flag. Notifications a user must not miss are kept."""

from __future__ import annotations

from html import escape

from mall.realtime import services
from mall.realtime.models import NOTE_KINDS


def refresh(placeholder: str, url: str, target: str, *, select: str | None = None, swap: str = "innerHTML") -> str:
    """Replace an (optional) placeholder with one that loads `url` into `target` at once."""
    picked = f' hx-select="{escape(select)}"' if select else ""
    return (
        f'<div id="{escape(placeholder)}" class="live-refresh" hx-swap-oob="true" hx-get="{escape(url)}" '
        f'hx-trigger="load" hx-target="{escape(target)}"{picked} hx-swap="{swap}"></div>'
    )


def toast(url: str) -> str:
    """Append a toast that fetches its own content."""
    loader = f'<div hx-get="{escape(url)}" hx-trigger="load" hx-swap="outerHTML"></div>'
    return f'<div id="toasts" hx-swap-oob="beforeend">{loader}</div>'


LOAD_ME = 'hx-swap-oob="true" hx-trigger="load" hx-swap="outerHTML"'
BELL = f'<span id="bell-count" class="bell-count" hx-get="/live/bell" {LOAD_ME}></span>'
ORDERS_BADGE = f'<span id="orders-badge" hx-get="/live/orders-badge" {LOAD_ME}></span>'
OPS_FEED = refresh("live-ops-feed", "/operator/feed", "#ops-feed")


def merchant_views(order_id: str) -> str:
    return refresh("live-merchant-orders", "/merchant/orders", "#order-table") + refresh(
        f"live-merchant-order-{order_id}",
        f"/merchant/orders/{order_id}",
        "#order-live",
        select="#order-live",
        swap="outerHTML",
    )


def shopper_views(order_id: str) -> str:
    return refresh(
        f"live-order-{order_id}", f"/orders/{order_id}", "#order-live", select="#order-live", swap="outerHTML"
    ) + refresh("live-my-orders", "/orders", "#my-orders", select="#my-orders", swap="outerHTML")


def install(c) -> None:
    """Subscribe the realtime fan-out to the domain events on c.events."""

    async def order_changed(_name: str, p: dict) -> None:
        order_id, status = p["order_id"], p["status"]
        shop_html = merchant_views(order_id)
        if status == "paid" and p.get("previous") in ("pending_payment", "expired"):
            shop_html += toast(f"/live/alerts/order/{order_id}") + ORDERS_BADGE
            await services.publish(
                c.channels,
                f"shop:{p['shop_id']}",
                "order.paid",
                html=shop_html,
                data={"sound": True, "order": p["number"]},
            )
            await services.publish(
                c.channels,
                "ops",
                "order.paid",
                html=OPS_FEED,
                data={"number": p["number"], "total": p["total"], "shop_id": p["shop_id"], "order_id": order_id},
            )
        else:
            await services.publish(
                c.channels,
                f"shop:{p['shop_id']}",
                f"order.{status}",
                html=shop_html + ORDERS_BADGE,
                data={"order": p["number"]},
            )
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
                html=shopper_views(order_id) + toast(f"/live/alerts/my-order/{order_id}") + BELL,
            )

    async def order_realert(_name: str, p: dict) -> None:
        await services.publish(
            c.channels,
            f"shop:{p['shop_id']}",
            "order.realert",
            html=toast(f"/live/alerts/order/{p['order_id']}?again=1") + ORDERS_BADGE,
            data={"sound": True, "order": p["number"]},
        )

    async def stock_low(_name: str, p: dict) -> None:
        await services.publish(
            c.channels,
            f"shop:{p['shop_id']}",
            "stock.low",
            html=toast(f"/live/alerts/stock/{p['product_id']}/{p['variant_id']}"),
            data={"sku": p["sku"], "remaining": p["remaining"]},
        )

    async def shop_applied(_name: str, p: dict) -> None:
        await services.publish(
            c.channels,
            "ops",
            "shop.applied",
            html=OPS_FEED + toast(f"/live/alerts/application/{p['shop_id']}"),
            data={"shop_id": p["shop_id"], "shop_name": p["shop_name"]},
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
            html=BELL,
        )

    bus = c.events
    bus.subscribe("order.status_changed", order_changed)
    bus.subscribe("order.realert", order_realert)
    bus.subscribe("stock.low", stock_low)
    bus.subscribe("shop.applied", shop_applied)
    bus.subscribe("shop.approved", shop_decided)
    bus.subscribe("shop.rejected", shop_decided)
