"""Settlement by hand-computed figures (commission 5% = 500 bp, shipping NT$60 and commission-free, free from
NT$1,000): what each order earns the shop and the platform, posted through the real checkout, payment, refunds,
statements and payouts. Amounts are minor units (NT$1 = 100)."""

import pytest

from mall.settlement import services as settlement
from mall.settlement.models import COMMISSION, PROMOTIONS
from mall.settlement.services.ledger import balances
from tests.integration.promo_helpers import campaign, coupon, threshold
from tests.integration.settlement_helpers import buy, complete, owed, pay_out, refund, settle_day

SHIPPING = 6000


async def _shop(factory, *prices):
    shop = await factory.shop()
    products = [await factory.stocked_product(shop=shop, price=price, stock=20) for price in prices]
    return shop, products


async def _platform(c) -> dict[str, int]:
    found = await balances(c, [COMMISSION, PROMOTIONS])
    return {"commission": -found[COMMISSION], "subsidies": found[PROMOTIONS]}


async def test_a_plain_order(container, factory):
    shop, (tea,) = await _shop(factory, 45000)
    (order,) = await buy(factory, await factory.user(), (tea, 1))
    assert order.total == 51000
    assert await owed(container, shop.id) == {"pending": 48750, "available": 0, "transit": 0}  # 45000 − 2250 + 6000
    assert await _platform(container) == {"commission": 2250, "subsidies": 0}


async def test_a_platform_coupon_is_paid_to_the_merchant_by_the_platform(container, factory):
    shop, (tea,) = await _shop(factory, 45000)
    await coupon(container, code="TAKE50", value=5000)
    (order,) = await buy(factory, await factory.user(), (tea, 1), codes=("TAKE50",))
    assert order.total == 46000  # the shopper pays NT$400 + NT$60
    # revenue = 40000 paid + 5000 the platform funds; commission 5% of 45000 = 2250
    assert await owed(container, shop.id) == {"pending": 45000 - 2250 + SHIPPING, "available": 0, "transit": 0}
    assert await _platform(container) == {"commission": 2250, "subsidies": 5000}


async def test_a_campaign_split_60_40(container, factory):
    shop, (kettle,) = await _shop(factory, 100000)
    await campaign(container, percent_off=10, share=60, products=[kettle])
    (order,) = await buy(factory, await factory.user(), (kettle, 1))
    assert order.total == 90000  # NT$100 off (NT$60 the platform's, NT$40 the shop's), shipping free from NT$1,000
    # revenue = 90000 + 6000 = 96000; commission 4800; the shop bears its 4000 share
    assert await owed(container, shop.id) == {"pending": 91200, "available": 0, "transit": 0}
    assert await _platform(container) == {"commission": 4800, "subsidies": 6000}


async def test_a_shops_spend_threshold_is_the_shops_own(container, factory):
    shop, (tea,) = await _shop(factory, 45000)
    await threshold(container, shop.id, tiers=({"min_spend": 30000, "save": 3000},))
    (order,) = await buy(factory, await factory.user(), (tea, 1))
    assert order.total == 48000  # 滿 300 減 30
    # revenue = 42000 (nothing from the platform); commission 2100
    assert await owed(container, shop.id) == {"pending": 39900 + SHIPPING, "available": 0, "transit": 0}
    assert await _platform(container) == {"commission": 2100, "subsidies": 0}


async def test_a_partial_refund_of_one_line(container, factory):
    shop, (tea, cups) = await _shop(factory, 45000, 30000)
    (order,) = await buy(factory, await factory.user(), (tea, 1), (cups, 1))
    assert await owed(container, shop.id) == {"pending": 42750 + 28500 + SHIPPING, "available": 0, "transit": 0}
    await refund(container, order, {0: 15000})  # a third of the tea back
    # a third of the tea's revenue (15000) and commission (750) reversed: the shop gives back 14250
    assert await owed(container, shop.id) == {"pending": 77250 - 14250, "available": 0, "transit": 0}
    assert await _platform(container) == {"commission": 2250 + 1500 - 750, "subsidies": 0}
    await complete(container, order)
    (statement,) = await settle_day(container, days=7)
    t = statement.totals
    assert (t.sales, t.shipping, t.refunds, t.commission, t.net) == (75000, SHIPPING, -15000, 3000, 63000)
    assert (statement.carried, statement.payable) == (0, 63000)


async def test_a_refund_after_the_statement_was_paid_is_carried_as_a_negative_balance(container, factory):
    shop, (tea, cups) = await _shop(factory, 45000, 30000)
    shopper = await factory.user()
    (first,) = await buy(factory, shopper, (tea, 1))
    await complete(container, first)
    (statement,) = await settle_day(container, days=7)
    assert statement.payable == 48750
    payout = await pay_out(container, statement)
    assert payout.status == "paid" and await owed(container, shop.id) == {"pending": 0, "available": 0, "transit": 0}

    await refund(container, first, {0: 45000})  # the tea comes back after the shop was paid
    (second,) = await settle_day(container)
    t = second.totals
    assert (t.sales, t.refunds, t.commission, t.net) == (0, -45000, -2250, -42750)
    assert (second.carried, second.closing, second.payable) == (0, -42750, 0)
    assert await owed(container, shop.id) == {"pending": 0, "available": -42750, "transit": 0}

    (later,) = await buy(factory, shopper, (cups, 1))
    await complete(container, later)
    (third,) = await settle_day(container, days=7)
    assert (third.carried, third.totals.net, third.closing, third.payable) == (-42750, 34500, -8250, 0)
    with pytest.raises(settlement.PayoutRefused):
        await settlement.approve(container, third.id, operator_id="op")
    report = await settlement.check_ledger(container)
    assert report.balanced, report.problems
