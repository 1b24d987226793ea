"""Live flash-sale figures in the staff consoles: a reservation nudges that shop's staff (and the marketers) to
reload the figures region, never another shop's, and the nudges stay out of the replay log; a featured sale
waiting for approval reaches the operators' feed."""

from __future__ import annotations

import asyncio

import pytest

from mall.flash_sales import services as flash
from mall.realtime import services as realtime
from tests.integration.flash_console_helpers import featured_sale
from tests.integration.flash_helpers import make_sale, reserve
from tests.integration.test_realtime_hub import next_message, open_socket, session_header


async def socket_of(app, web, user, channel: str):
    web.cookies.clear()
    web.csrf = None
    await web.sign_in(user.email)
    return await open_socket(app, f"channels={channel}", session_header(web))


async def next_about(sock, sale_id: str) -> dict:
    """The next message about this sale (the marketing channel also carries other tests' sales)."""
    while True:
        message = await next_message(sock)
        if message["data"].get("sale_id") == sale_id:
            return message


async def quiet(sock, timeout=0.3) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await next_message(sock, timeout=timeout)


async def test_a_reservation_refreshes_the_figures_of_that_shops_staff_only(app, web, container, factory):
    shop_a, shop_b = await factory.shop(), await factory.shop()
    sale = await make_sale(container, factory, shop=shop_a, quantity=5)
    staff_a = await factory.merchant(shop=shop_a, role="staff")
    sock_a = await socket_of(app, web, staff_a, f"shop:{shop_a.id}")
    sock_b = await socket_of(app, web, await factory.owner_of(shop_b), f"shop:{shop_b.id}")
    try:
        await reserve(container, sale, (await factory.user()).id)

        message = await next_message(sock_a)
        assert message["channel"] == f"shop:{shop_a.id}" and message["kind"] == "flash.figures"
        assert message["data"]["refresh"] == [f"#flash-figures[data-sale='{sale.id}']"] and message["html"] == ""
        await quiet(sock_b)
    finally:
        await sock_a.close()
        await sock_b.close()
    kept = await realtime.missed(container.channels, f"shop:{shop_a.id}", 0)
    assert [raw for _seq, raw in kept if "flash.figures" in raw] == []  # a nudge, not kept for replay


async def test_the_region_the_message_names_is_on_the_page_and_reloads_from_its_own_url(web, container, factory):
    shop = await factory.shop()
    sale = await make_sale(container, factory, shop=shop, quantity=5, limit=2)
    await web.sign_in((await factory.owner_of(shop)).email)
    page = await web.page(f"/merchant/flash-sales/{sale.id}")
    assert (
        f'<div id="flash-figures" data-sale="{sale.id}" hx-get="/merchant/flash-sales/{sale.id}/figures"' in page.text
    )
    await reserve(container, sale, (await factory.user()).id, 2)
    region = await web.page(f"/merchant/flash-sales/{sale.id}/figures", headers={"HX-Request": "true"})
    assert 'data-figure="held">2<' in region.text and 'data-figure="remaining">3<' in region.text


async def test_marketers_watch_every_shops_figures_on_their_own_channel(app, web, container, factory):
    sale = await make_sale(container, factory, quantity=5)
    sock = await socket_of(app, web, await factory.marketer(), "marketing")
    try:
        await reserve(container, sale, (await factory.user()).id)
        message = await next_about(sock, sale.id)
        assert (message["channel"], message["kind"]) == ("marketing", "flash.figures")
        assert message["data"] == {"refresh": [f"#flash-figures[data-sale='{sale.id}']"], "sale_id": sale.id}
    finally:
        await sock.close()


async def test_stock_ticks_are_coalesced(app, web, container, factory):
    shop = await factory.shop()
    sale = await make_sale(container, factory, shop=shop, quantity=50, limit=1)
    sock = await socket_of(app, web, await factory.owner_of(shop), f"shop:{shop.id}")
    try:
        for _ in range(5):  # within a few milliseconds: one tick (at most 4 a second per sale)
            await reserve(container, sale, (await factory.user()).id)
        got = [await next_message(sock)]
        with pytest.raises(asyncio.TimeoutError):
            while True:
                got.append(await next_message(sock, timeout=0.3))
        assert 1 <= len(got) < 5 and {m["kind"] for m in got} == {"flash.figures"}
    finally:
        await sock.close()


async def test_shoppers_and_other_merchants_cannot_join_the_marketing_channel(app, web, factory):
    from websockets.exceptions import InvalidStatus

    for who in (await factory.user(), await factory.merchant(), await factory.operator()):
        with pytest.raises(InvalidStatus) as refused:
            await socket_of(app, web, who, "marketing")
        assert refused.value.response.status_code == 403


async def test_a_featured_sale_waiting_for_approval_reaches_the_operators_feed(app, web, container, factory):
    operator = await factory.operator()
    sock = await socket_of(app, web, operator, "ops")
    product = await factory.product(name="Oriental beauty", variants=[{"stock": 9}])
    try:
        sale = await featured_sale(container, product, await factory.marketer())
        message = await next_message(sock)
        assert message["kind"] == "flash.approval" and message["data"]["sale_id"] == sale.id
        assert message["data"]["refresh"] == ["#ops-feed", "#flash-approval-queue"]
        assert f"/live/alerts/flash-approval/{sale.id}" in message["html"]
        await flash.reject_sale(container, sale.id, operator_id=operator.id, reason="Not this week")
        decided = await next_message(sock)
        assert decided["kind"] == "flash.cancelled" and decided["data"]["refresh"] == ["#flash-approval-queue"]
    finally:
        await sock.close()
    kept = [raw for _seq, raw in await realtime.missed(container.channels, "ops", 0)]
    assert len(kept) == 1 and "flash.approval" in kept[0]  # the feed keeps it; the queue nudge is not kept
    feed = await web.page("/operator/feed")
    assert "A featured sale awaits approval" in feed.text and f"#sale-{sale.id}" in feed.text
    toast = await web.page(f"/live/alerts/flash-approval/{sale.id}")
    assert "A featured flash sale awaits approval" in toast.text and "Oriental beauty" in toast.text
    home = await web.page("/operator")
    assert 'id="ops-feed"' in home.text


async def test_the_sold_curve_is_sampled_from_the_stock_ticks(container, factory):
    sale = await make_sale(container, factory, quantity=10, limit=3, lasts=600)
    buyer = await factory.user()
    container.clock.advance(seconds=120)
    answer = await reserve(container, sale, buyer.id, 3)
    await factory.pay(buyer, (await factory.flash_checkout(buyer, answer.id)).checkout)
    container.clock.advance(seconds=60)

    series = await flash.sold_series(container, sale, sold_now=3)

    assert series[0] == (0, 0) and series[-1][1] == 3
    assert [x for x, _sold in series] == list(range(len(series)))  # one point per 10-second bucket up to now
    assert len(series) == 18 + 1 + 1  # 180 s of 600 = buckets 0..18, plus the origin
    assert series[12][1] == 0  # nothing sold in the first two minutes
