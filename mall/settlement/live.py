"""Settlement's events -> live messages (settlement depends on realtime; realtime knows nothing of settlement).

A statement issued and a payout paid or failed reach the shop as a kept `shop:<id>` message with a toast that
loads its own words, a bell notification for the owner, and a nudge for the open finance page to reload its
balance, statements and chart; the operators' payout queue reloads in place (`ops`, transient)."""

from __future__ import annotations

from mall.realtime import services as realtime
from mall.realtime.live import toast
from mall.settlement import events
from mall.shops import services as shops

SHOP_REGIONS = ["#finance-live"]
OPS_REGIONS = ["#payout-queue", "#finance-summary"]


def install(c) -> None:
    async def owner_of(shop_id: str) -> str | None:
        shop = await shops.get_shop(c.shops, shop_id)
        return shop.owner_id if shop else None

    async def tell_shop(kind: str, p: dict, alert: str, number: str) -> None:
        await realtime.publish(
            c.channels, f"shop:{p['shop_id']}", kind, html=toast(alert),
            data={"refresh": SHOP_REGIONS, "statement_id": p["statement_id"]},
        )  # fmt: skip
        owner = await owner_of(p["shop_id"])
        if owner:
            await realtime.notify(
                c.notifications, c.channels, c.clock, user_id=owner, kind=kind, params={"number": number},
                link=f"/merchant/finance/statements/{p['statement_id']}", html="", refresh=["#bell-count"],
            )  # fmt: skip

    async def ops(kind: str, p: dict) -> None:
        data = {"refresh": OPS_REGIONS, "shop_id": p["shop_id"]}
        await realtime.publish(c.channels, "ops", kind, data=data, transient=True)

    async def statement_issued(name: str, p: dict) -> None:
        await tell_shop(name, p, f"/live/alerts/finance/statement/{p['statement_id']}", p["number"])
        await ops(name, p)

    async def payout_moved(name: str, p: dict) -> None:
        if name == events.PAYOUT_SENT:
            data = {"refresh": SHOP_REGIONS, "statement_id": p["statement_id"]}
            await realtime.publish(c.channels, f"shop:{p['shop_id']}", name, data=data, transient=True)
        else:
            statement = await c.statements.get(p["statement_id"])
            number = statement.number if statement else ""
            await tell_shop(name, p, f"/live/alerts/finance/payout/{p['payout_id']}", number)
        await ops(name, p)

    c.events.subscribe(events.STATEMENT_ISSUED, statement_issued)
    for name in events.PAYOUT_EVENTS:
        c.events.subscribe(name, payout_moved)
