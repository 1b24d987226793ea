"""Settlement meets the realtime hub: a statement issued and a payout paid or failed reach the shop (a kept message
with a toast of its own, a bell notification for the owner, the finance page's region to reload), only that shop;
the operators' payout queue reloads in place; the payout webhook is signed and counted once."""

import json

from mall.payments.providers import sign
from mall.realtime import services as realtime
from mall.settlement import services as settlement
from mall.settlement.providers import payout_provider
from tests.factories import PASSWORD
from tests.integration.settlement_helpers import buy, complete, settle_day


async def log(container, channel: str) -> list[dict]:
    return [json.loads(raw) for raw in await container.channels.since(channel, 0)]


async def _statement(container, factory):
    shop = await factory.shop()
    product = await factory.stocked_product(shop=shop, price=45000, stock=5)
    (order,) = await buy(factory, await factory.user(), (product, 1))
    await complete(container, order)
    (statement,) = await settle_day(container, days=7)
    return shop, statement


async def test_a_statement_and_its_payout_reach_the_shop_and_only_that_shop(web, container, factory):
    other = await factory.shop()
    shop, statement = await _statement(container, factory)
    kinds = [m["kind"] for m in await log(container, f"shop:{shop.id}")]
    assert "settlement.statement_issued" in kinds
    issued = next(m for m in await log(container, f"shop:{shop.id}") if m["kind"] == "settlement.statement_issued")
    assert f"/live/alerts/finance/statement/{statement.id}" in issued["html"] and issued["data"]["refresh"] == [
        "#finance-live"
    ]

    payout = await settlement.approve(container, statement.id, operator_id="op")
    await settlement.sandbox_report(container, payout.id)
    paid = next(m for m in await log(container, f"shop:{shop.id}") if m["kind"] == "settlement.payout_paid")
    assert f"/live/alerts/finance/payout/{payout.id}" in paid["html"]
    assert not [m for m in await log(container, f"shop:{other.id}") if m["kind"].startswith("settlement.")]

    owner = await factory.owner_of(shop)
    notes, _total = await realtime.list_notifications(container.notifications, owner.id, page=1)
    assert {n.kind for n in notes} >= {"settlement.statement_issued", "settlement.payout_paid"}
    await web.sign_in(owner.email, PASSWORD)
    toast = await web.get(f"/live/alerts/finance/payout/{payout.id}")
    assert toast.status_code == 200 and "Payout paid" in toast.text
    bell = await web.get("/notifications")
    assert f"The payout of statement {statement.number} was paid." in bell.text

    intruder = await factory.merchant()
    await web.sign_in(intruder.email, PASSWORD)
    assert (await web.get(f"/live/alerts/finance/payout/{payout.id}")).status_code == 404
    assert (await web.get(f"/live/alerts/finance/statement/{statement.id}")).status_code == 404


async def test_the_operators_queue_reloads_as_statements_and_payouts_move(container, factory, monkeypatch):
    seen = []
    fan_out = container.channels.publish

    async def publish(channel, message, *, persist):
        if channel == "ops":  # transient nudges are fanned out, not kept: catch them on their way
            seen.append((message["kind"], message["data"]["refresh"], persist))
        return await fan_out(channel, message, persist=persist)

    monkeypatch.setattr(container.channels, "publish", publish)
    _shop, statement = await _statement(container, factory)
    payout = await settlement.approve(container, statement.id, operator_id="op")
    await settlement.sandbox_report(container, payout.id, paid=False)
    for kind in ("settlement.statement_issued", "settlement.payout_sent", "settlement.payout_failed"):
        assert (kind, ["#payout-queue", "#finance-summary"], False) in seen


async def test_a_forged_or_repeated_payout_webhook_changes_nothing(api, container, factory):
    _shop, statement = await _statement(container, factory)
    payout = await settlement.approve(container, statement.id, operator_id="op")
    delivery = payout_provider(container.settings, container.clock).simulate(payout, "payout.paid")
    forged = sign("not-the-secret", int(container.clock.now().timestamp()), delivery.raw_body)
    answer = await api.post("/api/v1/payouts/webhook/sandbox", content=delivery.raw_body, headers=forged)
    assert answer.status_code == 401 and (await settlement.get_payout(container, payout.id)).status == "sent"
    first = await api.post("/api/v1/payouts/webhook/sandbox", content=delivery.raw_body, headers=delivery.headers)
    again = await api.post("/api/v1/payouts/webhook/sandbox", content=delivery.raw_body, headers=delivery.headers)
    assert first.json() == {"received": True, "duplicate": False} and again.json() == {
        "received": True,
        "duplicate": True,
    }
    assert (await settlement.get_payout(container, payout.id)).status == "paid"
    assert (await settlement.shop_balance(container, payout.shop_id)).paid_out == payout.amount
    stale = payout_provider(container.settings, container.clock).simulate(payout, "payout.failed")
    container.clock.advance(minutes=10)
    late = await api.post("/api/v1/payouts/webhook/sandbox", content=stale.raw_body, headers=stale.headers)
    assert late.status_code == 401 and (await settlement.get_payout(container, payout.id)).status == "paid"
