"""The settlement cycle's jobs: the daily run enqueues one statement job per due shop per period (a second run
enqueues nothing), the job issues once however often it runs, a line with an open after-sales case waits, an
open dispute is held back, and the sandbox reports a sent payout paid from its own job."""

from mall.settlement import jobs
from mall.settlement import services as settlement
from tests.integration.settlement_helpers import buy, complete, owed


async def _completed_order(container, factory, *products_qty, shop=None):
    shop = shop or await factory.shop()
    products = [await factory.stocked_product(shop=shop, price=price, stock=10) for price, _qty in products_qty]
    items = [(product, qty) for product, (_price, qty) in zip(products, products_qty, strict=True)]
    (order,) = await buy(factory, await factory.user(), *items)
    return shop, await complete(container, order)


async def test_the_daily_run_enqueues_one_job_per_shop_and_period_and_the_job_issues_once(container, factory):
    first, _order = await _completed_order(container, factory, (45000, 1))
    second, _order = await _completed_order(container, factory, (30000, 2))
    container.clock.advance(days=1)
    await _completed_order(container, factory, (10000, 1))  # completed a day later: not settleable yet
    container.clock.advance(days=6)
    period = settlement.period_of(container)
    assert sorted(await settlement.run_daily(container)) == sorted([first.id, second.id])
    job = await container.queue.job(f"statement:{first.id}:{period}")
    assert (
        job is not None and job.function == "issue_statement" and job.kwargs == {"shop_id": first.id, "period": period}
    )
    assert await container.queue.enqueue("issue_statement", key=f"statement:{first.id}:{period}") is None
    ctx = {"c": container}
    issued = await jobs.issue_statement(ctx, shop_id=first.id, period=period)
    assert issued and await jobs.issue_statement(ctx, shop_id=first.id, period=period) is None
    assert (await settlement.get_statement(container, issued)).payable == 42750 + 6000


async def test_a_line_with_an_open_case_waits_and_a_dispute_is_held_back(container, factory):
    shop, order = await _completed_order(container, factory, (45000, 1), (30000, 1))

    async def open_lines(order_id):
        return {1} if order_id == order.id else set()

    async def disputed(shop_id):
        return 10000 if shop_id == shop.id else 0

    container.aftersales_open_lines, container.disputed_amount = open_lines, disputed
    container.clock.advance(days=8)
    statement = await settlement.issue_statement(container, shop.id)
    assert statement.totals.lines == 2  # the tea and the shipping; the cups wait for their case
    assert (statement.closing, statement.held, statement.payable) == (42750 + 6000, 10000, 38750)
    balance = await settlement.shop_balance(container, shop.id)
    assert (balance.pending, balance.available, balance.held) == (28500, 38750, 10000)

    async def closed(order_id):
        return set()

    container.aftersales_open_lines = closed
    container.clock.advance(days=1)
    later = await settlement.issue_statement(container, shop.id)
    assert later.totals.lines == 1 and later.totals.net == 28500 and later.carried == 10000  # the hold is carried
    assert await owed(container, shop.id) == {"pending": 0, "available": 48750 + 28500, "transit": 0}


async def test_the_sandbox_reports_a_sent_payout_paid_from_its_job(container, factory):
    shop, _order = await _completed_order(container, factory, (45000, 1))
    container.clock.advance(days=8)
    statement = await settlement.issue_statement(container, shop.id)
    payout = await settlement.approve(container, statement.id, operator_id="op")
    assert payout.status == "sent"
    job = await container.queue.job(f"payout-sandbox:{payout.id}")
    assert job is not None and job.function == "sandbox_payout_paid"
    assert await jobs.sandbox_payout_paid({"c": container}, payout_id=payout.id) is True
    assert await jobs.sandbox_payout_paid({"c": container}, payout_id=payout.id) is False  # settled: nothing more
    assert (await settlement.get_payout(container, payout.id)).status == "paid"
    assert await owed(container, shop.id) == {"pending": 0, "available": 0, "transit": 0}
