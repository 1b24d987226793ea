"""After-sales and settlement together, through the real services (no synthetic events): a case's refund reverses
exactly what its line earned, a line under an open case is not settled, and an open dispute's amount is held back
from the shop's payout."""

from __future__ import annotations

from mall.aftersales import services as aftersales
from mall.aftersales.models import Kind, Reason
from mall.orders import services as orders
from mall.settlement import services as settlement
from tests.integration.aftersales_helpers import request, two_line_order
from tests.integration.settlement_helpers import owed


async def _items(c, order_id):
    return await c.ledger.of_order_items(order_id)


async def test_a_case_refund_takes_back_its_lines_share_and_names_the_case(container, factory):
    c = container
    world = await two_line_order(factory, delivered=True)  # 3 x 300 tea, 2 x 200 cups, shipping 60
    before = await owed(c, world.shop.id)
    case = await request(c, world, line=1, kind=Kind.REFUND_ONLY, reason=Reason.MISSING_PARTS, qty=1)

    await aftersales.merchant_decide(c, shop_id=world.shop.id, case_id=case.id, actor_id=world.merchant.id,
                                     action="accept")  # fmt: skip

    refunds = [i for i in await _items(c, world.order.id) if i.net < 0]
    assert [(i.position, i.net, i.case_id) for i in refunds] == [(1, -20000, case.id)]
    sold = next(i for i in await _items(c, world.order.id) if i.position == 1 and i.net > 0)
    after = await owed(c, world.shop.id)
    assert before["pending"] - after["pending"] == sold.merchant // 2  # one of the two cups, commission and all
    assert (await settlement.check_ledger(c)).balanced


async def test_a_cancel_after_a_case_refund_reverses_only_what_is_left(container, factory):
    c = container
    world = await two_line_order(factory)  # paid, not shipped
    case = await request(c, world, line=0, kind=Kind.REFUND_ONLY, reason=Reason.NOT_RECEIVED, qty=1)
    await aftersales.merchant_decide(c, shop_id=world.shop.id, case_id=case.id, actor_id=world.merchant.id,
                                     action="accept")  # fmt: skip

    await orders.cancel_by_merchant(c, shop_id=world.shop.id, order_id=world.order.id, actor_id=world.merchant.id,
                                    reason="Out of stock")  # fmt: skip

    items = await _items(c, world.order.id)
    back = {}
    for item in items:
        back[item.position] = back.get(item.position, 0) + item.net
    assert back == {0: 0, 1: 0, None: 0}  # every line and the shipping given back exactly, nothing twice
    assert (await settlement.check_ledger(c)).balanced
    assert (await owed(c, world.shop.id))["pending"] == 0


async def test_an_open_case_keeps_its_line_out_of_the_statement_and_a_dispute_is_held_back(container, factory):
    c = container
    world = await two_line_order(factory, delivered=True)
    await orders.confirm_receipt(c, user_id=world.shopper.id, order_id=world.order.id)
    case = await request(c, world, line=0, kind=Kind.RETURN_AND_REFUND, reason=Reason.DAMAGED, qty=1)
    await aftersales.merchant_decide(c, shop_id=world.shop.id, case_id=case.id, actor_id=world.merchant.id,
                                     action="reject", reason="It left us whole")  # fmt: skip
    disputed = await aftersales.escalate(c, user_id=world.shopper.id, case_id=case.id, note="See the photos")
    c.clock.advance(days=c.settings.settle_after_days + 1)

    statement = await settlement.issue_statement(c, world.shop.id)

    taken, _total = await settlement.statement_items(c, statement.id)
    assert sorted(i.position for i in taken if i.position is not None) == [1]  # the tea waits for its case
    assert statement.held == disputed.amount and statement.payable == statement.closing - disputed.amount
