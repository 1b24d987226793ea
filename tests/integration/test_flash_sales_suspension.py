"""A suspended shop's flash sales stop at once: not listed, reservations refused with a reason, a hold taken
before cannot be bought (a clear message); reinstating sells again while the window lasts. Every unit of the
sale stays accounted for throughout (allocated = remaining + held + sold)."""

import re

from mall.flash_sales import services as flash
from mall.shops import services as shops
from tests.integration.flash_helpers import make_sale, reserve
from tests.integration.orders_helpers import ADDRESS_JSON, bearer


async def _suspend(c, shop_id):
    await shops.suspend(
        c.shops, c.products, c.clock, shop_id=shop_id, operator_id="op", reason="checks", events=c.events
    )


async def _reinstate(c, shop_id):
    await shops.reinstate(c.shops, c.products, c.clock, shop_id=shop_id, operator_id="op", events=c.events)


async def _conserved(c, sale) -> tuple[int, int, int]:
    report = await flash.reconcile(c, sale.id)
    assert report.drift == 0 and report.allocated == report.remaining + report.held + report.sold, report
    return report.remaining, report.held, report.sold


async def test_suspending_a_shop_pauses_its_sale_everywhere_and_reinstating_resumes_it(api, container, factory):
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=5, limit=2, shop=shop)
    early, late = await factory.user(), await factory.user()
    held = await reserve(c, sale, early.id)
    assert held.reason == "ok"
    assert [s["id"] for s in (await api.get("/api/v1/flash-sales")).json()["items"]] == [sale.id]
    assert await _conserved(c, sale) == (4, 1, 0)

    c.clock.advance(seconds=60)
    await _suspend(c, shop.id)

    assert (await api.get("/api/v1/flash-sales")).json()["items"] == []
    assert (await api.get(f"/api/v1/flash-sales/{sale.id}")).status_code == 404
    refused = await api.post(
        f"/api/v1/flash-sales/{sale.id}/reservations", json={"quantity": 1}, headers=await bearer(c, late)
    )
    assert (refused.status_code, refused.json()) == (409, {"reason": "shop_suspended"})
    bought = await api.post(
        "/api/v1/checkout",
        json={"reservation_id": held.id, "address": ADDRESS_JSON},
        headers={**await bearer(c, early), "Idempotency-Key": "flash-hold-1"},
    )
    assert bought.status_code == 409
    message = bought.json()["error"]["message"]
    assert "suspended" in message and "expired" not in message
    assert await c.checkouts.checkouts.count_documents({}) == 0
    assert await _conserved(c, sale) == (4, 1, 0)

    c.clock.advance(seconds=600)  # the early shopper's hold lapses meanwhile: its unit goes back to the sale
    await flash.sweep(c)
    assert await _conserved(c, sale) == (5, 0, 0)
    assert (await reserve(c, sale, late.id)).reason == "shop_suspended"

    await _reinstate(c, shop.id)

    assert [s["id"] for s in (await api.get("/api/v1/flash-sales")).json()["items"]] == [sale.id]
    again = await reserve(c, sale, late.id, 2)
    assert again.reason == "ok"
    placed = await factory.flash_checkout(late, again.id)
    await factory.pay(late, placed.checkout)
    assert await _conserved(c, sale) == (3, 0, 2)


async def test_a_hold_claimed_while_suspended_is_refused_by_redis_too(container, factory):
    """Between the checkout's look at the shop and its claim the shop may close: the claim itself refuses."""
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=2, shop=shop)
    shopper = await factory.user()
    held = await reserve(c, sale, shopper.id)
    await _suspend(c, shop.id)
    sale_id, hold_id = held.id.split(".")
    assert await flash.claim_hold(c, sale_id, hold_id, user_id=shopper.id, checkout_id="c" * 24) == 0
    await _reinstate(c, shop.id)
    assert await flash.claim_hold(c, sale_id, hold_id, user_id=shopper.id, checkout_id="c" * 24) == 1


async def test_a_sale_that_ends_during_the_suspension_stays_over(api, container, factory):
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=3, shop=shop, lasts=600)
    await _suspend(c, shop.id)
    c.clock.advance(seconds=3600)
    await flash.sweep(c)
    await _reinstate(c, shop.id)
    assert (await api.get("/api/v1/flash-sales")).json()["items"] == []
    assert (await reserve(c, sale, (await factory.user()).id)).reason == "ended"
    assert (await c.flash_sales.get(sale.id)).returned_at is not None


async def test_an_upcoming_sale_does_not_open_nor_remind_while_its_shop_is_suspended(container, factory):
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=3, shop=shop, starts_in=60)
    fan = await factory.user()
    await flash.remind(c, sale.id, fan.id)
    told: list[dict] = []

    async def record(_name, payload):
        told.append(payload)

    c.events.subscribe("flash.reminder", record)
    await _suspend(c, shop.id)
    c.clock.advance(seconds=61)
    assert await flash.open_sale(c, sale.id) is False
    await flash.sweep(c)
    assert told == []
    await _reinstate(c, shop.id)
    assert [p["user_id"] for p in told] == [fan.id]  # opened on reinstatement, reminders sent once
    assert (await reserve(c, sale, fan.id)).reason == "ok"


async def test_redis_lost_during_the_suspension_is_rebuilt_paused(container, factory):
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=3, shop=shop)
    await _suspend(c, shop.id)
    await c.flash_store.drop(sale.id)
    assert (await reserve(c, sale, (await factory.user()).id)).reason == "shop_suspended"
    await _reinstate(c, shop.id)
    assert (await reserve(c, sale, (await factory.user()).id)).reason == "ok"


async def test_the_sweep_repairs_a_pause_the_suspension_did_not_reach(container, factory):
    """A crash between the shop's write and its sales' pause: the minutely sweep pauses them from the shop's state."""
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=3, shop=shop)
    await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op", reason="x")  # no events
    await flash.sweep(c)
    assert (await reserve(c, sale, (await factory.user()).id)).reason == "shop_suspended"
    await shops.reinstate(c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op")  # no events
    await flash.sweep(c)
    assert (await reserve(c, sale, (await factory.user()).id)).reason == "ok"


async def test_the_checkout_page_of_a_paused_sale_says_why(web, container, factory):
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=2, shop=shop)
    shopper = await factory.user()
    held = await reserve(c, sale, shopper.id)
    await web.sign_in(shopper.email)
    await _suspend(c, shop.id)
    page = await web.page(f"/checkout?reservation={held.id}")
    assert page.status_code == 409
    shown = re.sub(r'<p data-show="[a-z_]+"[^>]*>.*?</p>', "", page.text, flags=re.S)  # the countdown's later states
    assert "paused" in shown and "expired" not in shown


async def test_buy_on_a_sale_page_left_open_says_the_sale_is_paused(web, container, factory):
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=2, shop=shop)
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    assert (await web.page(f"/flash/{sale.id}")).status_code == 200
    await _suspend(c, shop.id)
    answer = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers={"HX-Request": "true"})
    assert answer.status_code == 409 and 'data-reason="shop_suspended"' in answer.text
    assert "paused" in answer.text
    assert sale.id not in (await web.page("/deals")).text
    assert (await web.page(f"/flash/{sale.id}")).status_code == 404
    await _reinstate(c, shop.id)
    assert sale.id in (await web.page("/deals")).text
    bought = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers={"HX-Request": "true"})
    assert bought.status_code == 200 and bought.headers["HX-Redirect"].startswith("/checkout?reservation=")


async def test_a_hold_of_a_paused_sale_is_not_offered_until_the_sale_resumes(web, container, factory):
    """The header, cart and sale page lead back to a hold only while it can be checked out."""
    c = container
    shop = await factory.shop()
    sale = await make_sale(c, factory, quantity=5, limit=1, shop=shop)
    shopper = await factory.user()
    held = await reserve(c, sale, shopper.id)
    assert [hold.reservation for hold in await flash.live_holds(c, shopper.id)] == [held.id]
    await web.sign_in(shopper.email)
    assert f"reservation={held.id}" in (await web.page("/cart")).text

    await _suspend(c, shop.id)
    assert await flash.live_holds(c, shopper.id) == []
    assert f"reservation={held.id}" not in (await web.page("/cart")).text

    await _reinstate(c, shop.id)
    assert [hold.reservation for hold in await flash.live_holds(c, shopper.id)] == [held.id]
    assert f"reservation={held.id}" in (await web.page("/cart")).text
