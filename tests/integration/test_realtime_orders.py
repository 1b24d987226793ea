"""Orders meet the realtime hub: a paid order alerts its shop (and only its shop)
within the same step, keeps alerting until acknowledged, tells the shopper of
every change, warns of low stock, and feeds the operator's live view."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from mall.orders import services as orders
from mall.realtime import services as realtime
from mall.shops import services as shops
from mall.shops.models import Application
from tests.integration.test_realtime_hub import next_message, open_socket, session_header


async def log(container, channel: str) -> list[dict]:
    return [json.loads(raw) for raw in await container.channels.since(channel, 0)]


async def test_a_paid_order_reaches_its_merchant_within_a_second_and_no_other_shop(app, web, container, factory):
    product = await factory.stocked_product(stock=10)
    other = await factory.shop()
    owner = await factory.owner_of(await container.shops.get(product.shop_id))
    await web.sign_in(owner.email)
    sock = await open_socket(app, headers=session_header(web))
    shopper = await factory.user()
    loop = asyncio.get_running_loop()
    started = loop.time()
    placed = await factory.paid_checkout(shopper, (product, 1))
    message = await next_message(sock, timeout=1.0)
    while message["kind"] != "order.paid":
        message = await next_message(sock, timeout=1.0)
    assert loop.time() - started < 1.0
    assert message["channel"] == f"shop:{product.shop_id}" and message["data"]["sound"] is True
    order = placed.orders[0]
    assert f"/live/alerts/order/{order.id}" in message["html"]
    assert await log(container, f"shop:{other.id}") == []
    await sock.close()


async def test_the_alert_toast_is_the_merchants_own_and_stays_until_acknowledged(web, container, factory):
    product = await factory.stocked_product(stock=10)
    owner = await factory.owner_of(await container.shops.get(product.shop_id))
    placed = await factory.paid_checkout(await factory.user(), (product, 2))
    order = placed.orders[0]

    intruder = await factory.merchant()
    await web.sign_in(intruder.email)
    assert (await web.get(f"/live/alerts/order/{order.id}")).status_code == 404
    assert (await web.form(f"/merchant/orders/{order.id}/ack")).status_code == 404
    assert not await container.orders.acknowledged(order.id)

    await web.sign_in(owner.email)
    toast = await web.get(f"/live/alerts/order/{order.id}")
    assert order.number in toast.text and "data-sticky" in toast.text
    badge = await web.get("/live/orders-badge")
    assert ">1<" in badge.text
    pending = await web.get("/live/alerts/pending")
    assert order.number in pending.text

    done = await web.form(f"/merchant/orders/{order.id}/ack", headers={"HX-Request": "true"})
    assert done.status_code == 200 and 'id="orders-badge"' in done.text
    assert await container.orders.acknowledged(order.id)
    assert (await web.get(f"/live/alerts/order/{order.id}")).text == ""
    assert order.number not in (await web.get("/live/alerts/pending")).text


async def test_an_unacknowledged_order_alerts_again_and_stops_once_acknowledged(container, factory):
    product = await factory.stocked_product(stock=10)
    placed = await factory.paid_checkout(await factory.user(), (product, 1))
    order = placed.orders[0]
    container.clock.advance(minutes=container.settings.order_alert_repeat_minutes)

    assert await orders.realert(container, order.id, 1) is True
    kinds = [m["kind"] for m in await log(container, f"shop:{product.shop_id}")]
    assert kinds.count("order.realert") == 1

    owner = await factory.owner_of(await container.shops.get(product.shop_id))
    assert await orders.acknowledge(container, shop_id=product.shop_id, order_id=order.id, user_id=owner.id)
    assert await orders.realert(container, order.id, 2) is False
    assert [m["kind"] for m in await log(container, f"shop:{product.shop_id}")].count("order.realert") == 1


async def test_the_repeat_alert_is_scheduled_once_per_round(container, factory):
    product = await factory.stocked_product(stock=10)
    placed = await factory.paid_checkout(await factory.user(), (product, 1))
    order = placed.orders[0]
    job = await container.queue.job(f"realert:{order.id}:1")
    assert job is not None and job.function == "realert_order"
    expected = container.clock.now() + timedelta(minutes=container.settings.order_alert_repeat_minutes)
    assert abs(job.scheduled - expected.timestamp()) < 2


async def test_the_shopper_hears_of_every_change_and_keeps_a_notification(web, container, factory):
    product = await factory.stocked_product(stock=10)
    shopper = await factory.user()
    placed = await factory.paid_checkout(shopper, (product, 1))
    order = placed.orders[0]
    owner = await factory.owner_of(await container.shops.get(product.shop_id))
    await orders.ship_order(
        container,
        shop_id=product.shop_id,
        order_id=order.id,
        actor_id=owner.id,
        carrier="黑貓宅急便",
        tracking_number="TW123456789",
    )

    messages = await log(container, f"user:{shopper.id}")
    assert [m["kind"] for m in messages][-2:] == ["order.paid", "order.shipped"]
    assert (
        f"/live/alerts/my-order/{order.id}" in messages[-1]["html"] and "#my-orders" in messages[-1]["data"]["refresh"]
    )
    assert await realtime.unread_count(container.notifications, shopper.id) == 2

    await web.sign_in(shopper.email)
    page = await web.get("/notifications")
    assert f"Your order {order.number} has shipped." in page.text
    toast = await web.get(f"/live/alerts/my-order/{order.id}")
    assert "has shipped" in toast.text
    stranger = await factory.user()
    await web.sign_in(stranger.email)
    assert (await web.get(f"/live/alerts/my-order/{order.id}")).status_code == 404


async def test_low_stock_alerts_the_shop_when_a_sku_falls_under_the_threshold(container, factory):
    product = await factory.stocked_product(stock=container.settings.low_stock_threshold + 1)
    await factory.paid_checkout(await factory.user(), (product, 1))
    assert "stock.low" not in [m["kind"] for m in await log(container, f"shop:{product.shop_id}")]
    await factory.paid_checkout(await factory.user(), (product, 1))
    low = [m for m in await log(container, f"shop:{product.shop_id}") if m["kind"] == "stock.low"]
    assert len(low) == 1 and low[0]["data"]["remaining"] == container.settings.low_stock_threshold - 1


async def test_the_operator_feed_shows_new_applications_and_paid_orders(web, container, factory):
    applicant = await factory.user()
    application = Application(
        name="<script>alert(1)</script> Tea",
        slug="xss-tea",
        category="tea",
        description="",
        contact_email=applicant.email,
        contact_phone="",
        logo=None,
    )
    await shops.apply(
        container.shops, container.clock, applicant=applicant, application=application, events=container.events
    )
    product = await factory.stocked_product(stock=3)
    placed = await factory.paid_checkout(await factory.user(), (product, 1))
    order = placed.orders[0]
    await web.sign_in((await factory.operator()).email)
    feed = await web.get("/operator/feed")
    assert order.number in feed.text and "&lt;script&gt;alert(1)&lt;/script&gt; Tea" in feed.text
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    assert (await web.get("/operator/feed")).status_code == 403


async def test_a_shop_sets_its_own_low_stock_threshold_on_its_settings_page(web, container, factory):
    product = await factory.stocked_product(stock=12)
    shop = await container.shops.get(product.shop_id)
    await web.sign_in((await factory.owner_of(shop)).email)
    page = await web.page("/merchant/shop")
    assert 'name="low_stock_threshold"' in page.text
    form = {"contact_email": shop.contact_email, "theme_color": "#2f7d4a"}
    refused = await web.form("/merchant/shop", {**form, "low_stock_threshold": "-3"})
    assert refused.status_code == 422 and "0 to 100,000" in refused.text
    assert (await container.shops.get(shop.id)).low_stock_threshold is None

    kept_default = await web.form("/merchant/shop", {**form, "low_stock_threshold": ""})
    assert kept_default.status_code == 302
    assert (await container.shops.get(shop.id)).low_stock_threshold is None

    saved = await web.form("/merchant/shop", {**form, "low_stock_threshold": "10"})
    assert saved.status_code == 302
    assert (await container.shops.get(shop.id)).low_stock_threshold == 10

    await factory.paid_checkout(await factory.user(), (product, 2))  # 10 left: not under 10
    assert "stock.low" not in [m["kind"] for m in await log(container, f"shop:{shop.id}")]
    await factory.paid_checkout(await factory.user(), (product, 1))  # 9 left
    low = [m for m in await log(container, f"shop:{shop.id}") if m["kind"] == "stock.low"]
    assert [m["data"]["remaining"] for m in low] == [9]
