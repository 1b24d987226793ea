"""Two live updates of one region close together: the second arrives while the page is still fetching the region
for the first. The page must end up showing the second. (htmx queued that second request on the element the
first one's outerHTML swap then replaced, and dropped it: the page stayed a step behind until a reload. A real
Redis's timing showed it: the after-sales story's merchant page stuck at "refunding".)"""

from __future__ import annotations

import asyncio

from mall.orders import services as orders
from tests.browser.conftest import shot, sign_in
from tests.browser.test_live_orders import connected
from tests.integration.orders_helpers import paid_order


async def test_an_update_arriving_while_the_last_one_loads_is_shown_after_it(page, app, factory):
    c = factory.c
    shopper, merchant, _product, order = await paid_order(factory)
    await sign_in(page, shopper.email)
    await page.goto(f"/orders/{order.id}")
    await connected(page)
    await page.evaluate(
        "() => { window.__noReload = true; window.__heard = [];"
        " document.addEventListener('mall:rt', e => window.__heard.push(e.detail.kind)); }"
    )
    fetched, release = asyncio.Event(), asyncio.Event()

    async def hold_the_first_answer(route):
        answer = await route.fetch()  # what the server says now
        if not fetched.is_set():
            fetched.set()
            await release.wait()
        await route.fulfill(response=answer)

    await page.route(f"**/orders/{order.id}", hold_the_first_answer)

    await orders.ship_order(
        c, shop_id=order.shop_id, order_id=order.id, actor_id=merchant.id, carrier="黑貓宅急便", tracking_number="TW1"
    )
    await asyncio.wait_for(fetched.wait(), 10)  # the page asked for the region; its answer (shipped) waits
    await orders.mark_delivered(c, shop_id=order.shop_id, order_id=order.id, actor_id=merchant.id)
    await page.wait_for_function("() => window.__heard.includes('order.delivered')")  # heard while loading
    release.set()

    await page.locator("#order-live .order-status[data-status='delivered']").first.wait_for(timeout=5000)
    assert await page.evaluate("() => window.__noReload === true")
    assert page.js_errors == []
    for name, width in (("phone", 390), ("laptop", 1366)):
        await page.set_viewport_size({"width": width, "height": 900})
        await shot(page, f"live-refresh-race-delivered-{name}")
