"""Domain events -> channel messages. Messages carry no user text: a toast
that loads its own content and a list of page regions to refresh. Each page
region knows its own URL (`hx-trigger="live-refresh"`), so what a person sees
is fetched fresh, in their language, through the usual access checks."""

from __future__ import annotations

from html import escape

from mall.catalog import services as catalog
from mall.flash_sales import events as flash_events
from mall.flash_sales import services as flash
from mall.promotions import events as promo_events
from mall.realtime import services
from mall.realtime.models import NOTE_KINDS
from mall.reputation import events as reputation_events
from mall.reputation.components import BY_KEY as HEALTH_COMPONENTS
from mall.reviews import events as review_events
from mall.shops import services as shops

# A stock tick is pushed once its window has closed, so the push carries the window's last change.
STOCK_DELAY = flash_events.STOCK_TICK_SECONDS + 0.05
DEALS_REGIONS = ["#deals-list", "#deals-strip"]


def after_stock_tick(c, work, what: str) -> None:
    """Run `work()` STOCK_DELAY from now without making the publisher wait (the container owns the wait)."""
    c.background.later(STOCK_DELAY, work, what=f"push {what}")


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
    install_promotions_shoppers(c)
    bus = c.events
    bus.subscribe("order.status_changed", order_changed)
    bus.subscribe("order.realert", order_realert)
    bus.subscribe("stock.low", stock_low)
    bus.subscribe("shop.applied", shop_applied)
    bus.subscribe("shop.approved", shop_decided)
    bus.subscribe("shop.rejected", shop_decided)
    install_flash_staff(c)
    install_promotions_staff(c)
    install_reviews(c)
    install_aftersales(c)


def install_flash(c) -> None:
    """Flash sales on the `deals` channel (anyone may join it, guests too): numbers and states only,
    no text; each page words them itself. A reminder is the one message for a single user."""

    async def push_remaining(sale_id: str) -> None:
        sale = await flash.get_sale(c, sale_id)
        left = await flash.remaining(c, sale_id)
        kind = "flash.sold_out" if left <= 0 else "flash.stock"
        data = {"sale_id": sale.id, "remaining": left, "quantity": sale.quantity}
        await services.publish(c.channels, "deals", kind, data=data)

    async def stock_changed(_name: str, p: dict) -> None:
        """At most 4 a second per sale (lua.py's tick): the reservations of those 250 ms become one message."""
        after_stock_tick(c, lambda: push_remaining(p["sale_id"]), f"the remaining count of flash sale {p['sale_id']}")

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
    bus.subscribe("flash.paused", listing_changed)  # its shop was suspended (or reinstated): off (or back on) the lists
    bus.subscribe("flash.resumed", listing_changed)
    bus.subscribe("flash.reminder", reminder)


# --- promotions on the shoppers' pages -------------------------------------------------------------------------
# A promotion started, ended, paused or changed: prices may differ now. ONE `deals` message (guests too) names the
# regions that show prices; each open page reloads its own (hx-trigger="live-refresh"), in its viewer's language
# and with its viewer's coupons, a little spread out (`spread_ms`, see realtime.js) so a busy mall does not
# refetch at the same instant. A shop's own promotion only reloads that shop's product pages.

PROMO_REGIONS = ("#cart", "#checkout-totals", "#campaign-page", "#home-campaigns")
PROMO_SPREAD_MS = 800


def promotion_regions(p: dict) -> list[str]:
    shop_id = p.get("shop_id") if p.get("scope") == "shop" else None
    if shop_id:  # (shop ids are hex: safe in a selector)
        return [f"#buy-box[data-shop='{shop_id}']", *PROMO_REGIONS]
    return ["#buy-box", "#promo-banner", *PROMO_REGIONS]


def install_promotions_shoppers(c) -> None:
    async def promotion_changed(name: str, p: dict) -> None:
        if p.get("reason") in promo_events.STAFF_ONLY:
            return  # nothing a shopper sees changed
        data = {"refresh": promotion_regions(p), "spread_ms": PROMO_SPREAD_MS}
        await services.publish(c.channels, "deals", name, data=data)

    c.events.subscribe(promo_events.CHANGED, promotion_changed)


# --- flash sales in the staff consoles (merchant, marketer, operator) ------------------------------------------
# Stock ticks (flash.stock, at most 4 a second per sale) only nudge the pages that show the sale's figures to
# reload them: they go out on shop:<id> (that shop's staff) and marketing (marketers) as TRANSIENT messages,
# numbered like the rest but never kept in the replay log, where a busy sale would push out the paid-order
# alerts a merchant must not miss within minutes. A client that was away has nothing to catch up on: the
# region shows the current figures the next time it loads (and polls slowly, see console_sale.html).

STAFF_LISTS = ("#flash-sale-list", "#marketing-overview")
APPROVAL_QUEUE = "#flash-approval-queue"


def flash_figures_region(sale_id: str) -> str:
    return f"#flash-figures[data-sale='{sale_id}']"


def install_flash_staff(c) -> None:
    shop_of_sale: dict[str, str] = {}  # a sale never changes shop: one MongoDB read per sale, not per tick

    async def shop_of(sale_id: str) -> str | None:
        if sale_id not in shop_of_sale:
            try:
                sale = await flash.get_sale(c, sale_id)
            except flash.FlashSaleError:
                return None
            if len(shop_of_sale) >= 10_000:
                shop_of_sale.clear()
            shop_of_sale[sale_id] = sale.shop_id
        return shop_of_sale[sale_id]

    async def nudge_staff(shop_id: str, kind: str, refresh: list[str], sale_id: str) -> None:
        for channel in (f"shop:{shop_id}", "marketing"):
            data = {"refresh": refresh, "sale_id": sale_id}
            await services.publish(c.channels, channel, kind, data=data, transient=True)

    async def nudge_figures(sale_id: str) -> None:
        shop_id = await shop_of(sale_id)
        if shop_id is not None:
            await nudge_staff(shop_id, "flash.figures", [flash_figures_region(sale_id)], sale_id)

    async def flash_stock_changed(_name: str, p: dict) -> None:
        after_stock_tick(c, lambda: nudge_figures(p["sale_id"]), f"the figures of flash sale {p['sale_id']}")

    async def flash_sale_changed(name: str, p: dict) -> None:
        """Scheduled, changed, approved, rejected, cancelled, opened, ended: lists and figures show it."""
        refresh = [*STAFF_LISTS, flash_figures_region(p["sale_id"])]
        await nudge_staff(p["shop_id"], name, refresh, p["sale_id"])
        if name in (flash_events.SCHEDULED, flash_events.CANCELLED):  # approved / rejected leave the queue
            data = {"refresh": [APPROVAL_QUEUE], "sale_id": p["sale_id"]}
            await services.publish(c.channels, "ops", name, data=data, transient=True)

    async def flash_awaits_approval(name: str, p: dict) -> None:
        """A featured sale waits for an operator: kept in the ops feed, with a toast."""
        await services.publish(
            c.channels,
            "ops",
            name,
            html=toast(f"/live/alerts/flash-approval/{p['sale_id']}"),
            data={"refresh": ["#ops-feed", APPROVAL_QUEUE], "sale_id": p["sale_id"], "shop_id": p["shop_id"]},
        )
        await nudge_staff(p["shop_id"], name, list(STAFF_LISTS), p["sale_id"])

    bus = c.events
    bus.subscribe(flash_events.STOCK, flash_stock_changed)
    for name in (
        flash_events.SCHEDULED, flash_events.CANCELLED, flash_events.OPENED, flash_events.ENDED,
        flash_events.PAUSED, flash_events.RESUMED,
    ):  # fmt: skip
        bus.subscribe(name, flash_sale_changed)
    bus.subscribe(flash_events.APPROVAL, flash_awaits_approval)


# --- promotions in the marketers' and operators' consoles -----------------------------------------------------
# A campaign or coupon changed: the marketers' lists and the page of that campaign reload (transient, on
# `marketing`); entries waiting or decided: the operators' queue too (on `ops`). An order paid, cancelled or
# refunded may change a promotion's figures: open dashboards reload theirs, at most once a FIGURES_EVERY
# seconds per process however busy the mall is (the figures come from the orders, so one reload shows all).

MARKETING_LISTS = ("#campaign-list", "#campaign-summary")
ENTRY_QUEUE = "#campaign-entry-queue"
FIGURES_EVERY = 1.0


def install_promotions_staff(c) -> None:
    waiting = {"figures": False}

    async def marketing(kind: str, refresh: list[str], **data) -> None:
        await services.publish(c.channels, "marketing", kind, data={"refresh": refresh, **data}, transient=True)

    async def promotion_changed(name: str, p: dict) -> None:
        refresh = list(MARKETING_LISTS)
        if p.get("campaign_id"):  # (ids are hex: safe in a selector)
            refresh.append(f"#mk-campaign[data-campaign='{p['campaign_id']}']")  # its preview and counts too
        await marketing(name, refresh, reason=p.get("reason"))
        if p.get("reason") == "entered":  # kept in the ops feed, with a toast: operators must not miss it
            await services.publish(
                c.channels,
                "ops",
                "promo.entered",
                html=toast(f"/live/alerts/campaign-entries/{p['campaign_id']}"),
                data={"refresh": ["#ops-feed", ENTRY_QUEUE], "campaign_id": p["campaign_id"],
                      "shop_id": p.get("shop_id"), "count": len(p.get("product_ids", ()))},
            )  # fmt: skip
        elif p.get("reason") == "entries":
            data = {"refresh": [ENTRY_QUEUE]}
            await services.publish(c.channels, "ops", name, data=data, transient=True)

    async def push_figures() -> None:
        waiting["figures"] = False
        await marketing("promo.figures", ["#promo-figures"])

    async def order_changed(_name: str, p: dict) -> None:
        if p.get("status") not in ("paid", "cancelled", "refunded") or waiting["figures"]:
            return
        waiting["figures"] = True
        c.background.later(FIGURES_EVERY, push_figures, what="nudge the promotion dashboards")

    c.events.subscribe(promo_events.CHANGED, promotion_changed)
    c.events.subscribe("order.status_changed", order_changed)


# --- reviews and reputation -------------------------------------------------------------------------------------
# A new review (or follow-up) reaches the shop's people as a toast on shop:<id> (with a chime for 1-2★) and reloads
# their reviews list. Its product's rating line and distribution reload on open product pages: a `deals` message at
# once, then at most one more per REVIEW_FIGURES_EVERY seconds per product, however many units sell or reviews
# arrive. The author hears of a reply or a hide; a shop whose health score fell below the warning line hears which
# component caused it.

REVIEW_FIGURES_EVERY = 1.0
LOW_STARS = 2


def review_regions(product_id: str) -> list[str]:
    return [f"#review-summary[data-product='{product_id}']", f"#review-overview[data-product='{product_id}']"]


def install_reviews(c) -> None:
    waiting: set[str] = set()

    async def product_name(product_id: str) -> dict:
        found = await catalog.products_by_ids(c.products, [product_id], include_hidden=True)
        return dict(found[0].name) if found else {"en": ""}

    async def posted(name: str, p: dict) -> None:
        low = p["stars"] <= LOW_STARS
        await services.publish(
            c.channels, f"shop:{p['shop_id']}", name, html=toast(f"/live/alerts/review/{p['review_id']}"),
            data={"refresh": ["#merchant-reviews"], "sound": low, "stars": p["stars"], "review_id": p["review_id"]},
        )  # fmt: skip

    dirty: set[str] = set()

    async def push_figures(product_id: str) -> None:
        data = {"refresh": review_regions(product_id), "product_id": product_id, "spread_ms": 300}
        await services.publish(c.channels, "deals", review_events.FIGURES, data=data)

    async def cool_down(product_id: str) -> None:
        waiting.discard(product_id)
        if product_id in dirty:
            dirty.discard(product_id)
            await figures(review_events.FIGURES, {"product_id": product_id})

    async def figures(_name: str, p: dict) -> None:
        """The first change is pushed at once; changes in the next REVIEW_FIGURES_EVERY seconds make one more push."""
        product_id = p["product_id"]
        if product_id in waiting:
            dirty.add(product_id)
            return
        waiting.add(product_id)
        c.background.later(
            REVIEW_FIGURES_EVERY, lambda: cool_down(product_id), what=f"push the review figures of product {product_id}"
        )
        await push_figures(product_id)

    async def replied(name: str, p: dict) -> None:
        shop = await shops.get_shop(c.shops, p["shop_id"])
        await services.notify(
            c.notifications, c.channels, c.clock, user_id=p["user_id"], kind=name,
            params={"shop": shop.name if shop else "", "product": await product_name(p["product_id"])},
            link=f"/p/{p['product_id']}#review-{p['review_id']}", html="", refresh=["#bell-count"],
        )  # fmt: skip

    async def hidden(name: str, p: dict) -> None:
        await services.notify(
            c.notifications, c.channels, c.clock, user_id=p["user_id"], kind=name,
            params={"product": await product_name(p["product_id"])}, link=f"/orders/{p['order_id']}/review",
            html="", refresh=["#bell-count"],
        )  # fmt: skip

    async def warned(name: str, p: dict) -> None:
        component = HEALTH_COMPONENTS.get(p.get("component") or "")
        await services.notify(
            c.notifications, c.channels, c.clock, user_id=p["owner_id"], kind=name,
            params={"score": p["score"], "component": {"msgid": component.label if component else "—"}},
            link="/merchant/reputation", html="", refresh=["#bell-count"],
        )  # fmt: skip
        await services.publish(
            c.channels, f"shop:{p['shop_id']}", name, html=toast("/live/alerts/reputation"),
            data={"score": p["score"], "component": p.get("component")},
        )  # fmt: skip

    bus = c.events
    bus.subscribe(review_events.POSTED, posted)
    bus.subscribe(review_events.FOLLOWUP, posted)
    bus.subscribe(review_events.FIGURES, figures)
    bus.subscribe(review_events.REPLIED, replied)
    bus.subscribe(review_events.HIDDEN, hidden)
    bus.subscribe(reputation_events.WARNING, warned)


# --- after-sales: requests, escalations and decisions reach the other side ---------------------------------------
# A new request or an escalation reaches the shop (toast + badge), an escalation the operators (toast, kept in the
# ops feed), the shop's and the platform's answers the shopper (a kept notification with a toast); every change
# refreshes the case page each side may have open, the lists and the order page's after-sales region.


def case_regions(case_id: str, order_id: str) -> list[str]:
    return [f"#case-live[data-case='{case_id}']", f"#order-after-sales[data-order='{order_id}']"]


SHOPPER_NOTES = {
    "offer": "aftersales.answered", "reject": "aftersales.answered", "accept_return": "aftersales.answered",
    "decide_refund": "aftersales.decided", "decide_none": "aftersales.decided", "refund": "aftersales.refunded",
}  # fmt: skip


def install_aftersales(c) -> None:
    async def case_changed(_name: str, p: dict) -> None:
        case_id, action, actor = p["case_id"], p["action"], p["actor"]
        regions = case_regions(case_id, p["order_id"])
        alert = toast(f"/live/alerts/after-sales/{case_id}")
        loud = action in ("request", "escalate", "decide_refund", "decide_none") and actor != "merchant"
        await services.publish(
            c.channels, f"shop:{p['shop_id']}", f"aftersales.{action}", html=alert if loud else "",
            data={"refresh": [*regions, "#as-list", "#as-badge"], "case": p["number"], "sound": loud},
        )  # fmt: skip
        if action == "escalate":
            await services.publish(
                c.channels, "ops", "aftersales.escalated", html=alert,
                data={"refresh": ["#ops-feed", "#dispute-list", "#disputes-badge"], "case_id": case_id,
                      "shop_id": p["shop_id"], "number": p["number"]},
            )  # fmt: skip
        elif actor == "operator" or p["status"] == "disputed":
            data = {"refresh": [*regions, "#dispute-list", "#disputes-badge"]}
            await services.publish(c.channels, "ops", f"aftersales.{action}", data=data, transient=True)
        kind = SHOPPER_NOTES.get(action)
        if kind and actor != "shopper":
            await services.notify(
                c.notifications, c.channels, c.clock, user_id=p["user_id"], kind=kind,
                params={"number": p["number"]}, link=f"/account/after-sales/{case_id}",
                html="" if action == "decide_refund" else alert,  # its refund, a moment later, brings the toast
                refresh=[*regions, "#my-cases", "#bell-count"],
            )  # fmt: skip
        else:
            data = {"refresh": [*regions, "#my-cases"]}
            await services.publish(c.channels, f"user:{p['user_id']}", f"aftersales.{action}", data=data)

    c.events.subscribe("aftersales.changed", case_changed)
