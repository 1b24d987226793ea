"""The shopper's flash-sale pages: /deals, a sale's page and its Buy form, "Remind me", the home strip,
the product page banner (the live side is in test_flash_sales_live.py)."""

from __future__ import annotations

from datetime import timedelta

from mall.flash_sales import services as flash
from mall.web.i18n import money
from tests.integration.flash_helpers import make_sale, reserve

HX = {"HX-Request": "true"}


def card_of(page: str, sale_id: str) -> str:
    """The HTML of one sale's card on a listing page."""
    start = page.index(f'data-flash-sale="{sale_id}"')
    return page[start : page.index("</article>", start)]


async def pending_and_cancelled(c, factory):
    """A featured sale still waiting for an operator, and a cancelled one: shoppers see neither."""
    product = await factory.product()
    marketer = await factory.marketer()
    now = c.clock.now()
    pending = await flash.create_sale(
        c, actor_id=marketer.id, product_id=product.id, variant_id=product.variants[0].id, price=9900, quantity=5,
        per_user_limit=1, starts_at=now, ends_at=now + timedelta(hours=1), featured=True,
    )  # fmt: skip
    cancelled = await make_sale(c, factory, starts_in=600)
    await flash.cancel_sale(c, cancelled.id)
    return pending, cancelled


async def test_the_deals_page_lists_running_and_upcoming_sales_with_prices_and_units_left(web, factory, container):
    running = await make_sale(container, factory, quantity=10, limit=3, price=9900)
    upcoming = await make_sale(container, factory, quantity=20, starts_in=7200, price=30000)
    pending, cancelled = await pending_and_cancelled(container, factory)
    await reserve(container, running, (await factory.user()).id, 3)

    page = (await web.page("/deals")).text

    on_now = card_of(page, running.id)
    assert 'data-state="running"' in on_now and 'data-remaining="7"' in on_now
    assert "NT$99" in on_now and "NT$450" in on_now and ">-78%<" in on_now
    assert '<b class="flash-left" data-flash-left>7</b> left' in on_now and "30% claimed" in on_now.replace(
        "<span data-flash-pct>30</span>", "30"
    )
    assert "Ends in" in on_now and "01:00:00" in on_now and f'href="/flash/{running.id}"' in on_now
    soon = card_of(page, upcoming.id)
    assert 'data-state="upcoming"' in soon and "NT$300" in soon and ">-33%<" in soon
    assert "Starts in" in soon and "02:00:00" in soon and "Sign in to be reminded" in soon
    assert page.index(running.id) < page.index(upcoming.id)  # on now, then coming up
    assert pending.id not in page and cancelled.id not in page
    assert 'ws-connect="/ws"' in page  # a guest's page joins the deals channel


async def test_the_deals_page_says_so_when_there_is_no_sale(web, factory, container):
    await pending_and_cancelled(container, factory)
    page = await web.page("/deals")
    assert page.status_code == 200 and "No flash sales right now" in page.text
    assert "data-flash-sale=" not in page.text


async def test_a_far_sale_counts_down_in_days(web, factory, container):
    sale = await make_sale(container, factory, starts_in=2 * 86400 + 3661)
    assert "2d 01:01:01" in card_of((await web.page("/deals")).text, sale.id)


async def test_the_home_page_shows_the_strip_only_when_sales_run_or_come(web, factory, container):
    home = (await web.page("/")).text
    assert 'id="deals-strip"' not in home and "ws-connect" not in home  # a guest without sales: no socket

    sale = await make_sale(container, factory)
    home = (await web.page("/")).text
    assert 'id="deals-strip"' in home and f'href="/flash/{sale.id}"' in home and 'ws-connect="/ws"' in home
    strip = await web.get("/deals/strip", headers=HX)
    assert f'data-flash-sale="{sale.id}"' in strip.text and 'hx-trigger="live-refresh"' in strip.text


async def test_a_product_page_points_to_its_sale(web, factory, container):
    sale = await make_sale(container, factory, starts_in=3600, price=12000)
    page = (await web.page(f"/p/{sale.product_id}")).text
    assert 'class="flash-banner"' in page and f'href="/flash/{sale.id}"' in page
    assert "NT$120" in page and "Starts in" in page and "/static/js/flash.js" in page
    other = await factory.product()
    assert "flash-banner" not in (await web.page(f"/p/{other.id}")).text


async def test_a_sale_page_exists_only_for_public_sales(web, factory, container):
    pending, cancelled = await pending_and_cancelled(container, factory)
    for sale_id in (pending.id, cancelled.id, "0" * 24, "not-an-id"):
        assert (await web.get(f"/flash/{sale_id}")).status_code == 404, sale_id


async def test_the_sale_page_shows_the_countdown_clock_price_and_a_buy_button_only_while_it_runs(
    web, factory, container
):
    sale = await make_sale(container, factory, quantity=50, limit=4, starts_in=90)
    shopper = await factory.user()
    await web.sign_in(shopper.email)

    page = (await web.page(f"/flash/{sale.id}")).text
    now_ms = int(container.clock.now().timestamp() * 1000)
    assert f'data-now="{now_ms}"' in page and f'data-starts="{now_ms + 90_000}"' in page
    assert f'data-ends="{now_ms + 3_690_000}"' in page and 'data-state="upcoming"' in page
    assert "00:01:30" in page and "NT$99" in page and "NT$450" in page and "78% off" in page
    assert "Limit 4 per person" in page
    assert "data-flash-buy disabled" in page and '<option value="4">4</option>' in page
    assert '<option value="5">' not in page and "/static/js/flash.js" in page

    container.clock.advance(seconds=90)
    page = (await web.page(f"/flash/{sale.id}")).text
    assert 'data-state="running"' in page and "data-flash-buy disabled" not in page and "Buy now" in page

    container.clock.advance(hours=1)
    page = await web.page(f"/flash/{sale.id}")
    assert page.status_code == 200 and 'data-state="ended"' in page.text and "data-flash-buy disabled" in page.text


async def test_buying_needs_the_csrf_token(web, factory, container):
    sale = await make_sale(container, factory, quantity=5)
    await web.sign_in((await factory.user()).email)
    refused = await web.post(f"/flash/{sale.id}/reserve", data={"qty": "1"})
    assert refused.status_code == 403
    assert await flash.remaining(container, sale.id) == 5


async def test_a_signed_out_shopper_is_sent_to_sign_in_and_back(web, factory, container):
    sale = await make_sale(container, factory, quantity=5)
    await web.page(f"/flash/{sale.id}")
    page = (await web.page(f"/flash/{sale.id}")).text
    assert f'href="/login?next=/flash/{sale.id}"' in page and "Sign in to buy" in page

    plain = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"})
    assert plain.status_code == 303 and plain.headers["location"] == f"/login?next=/flash/{sale.id}"
    htmx = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers=HX)
    assert htmx.headers["HX-Redirect"] == f"/login?next=/flash/{sale.id}"
    assert await flash.remaining(container, sale.id) == 5


async def test_buy_reserves_and_leads_to_the_checkout_of_that_reservation(web, factory, container):
    sale = await make_sale(container, factory, quantity=5, limit=2)
    await web.sign_in((await factory.user()).email)
    await web.page(f"/flash/{sale.id}")

    plain = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"})
    assert plain.status_code == 303 and plain.headers["location"].startswith(f"/checkout?reservation={sale.id}.")
    htmx = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers=HX)
    assert htmx.status_code == 200 and htmx.headers["HX-Redirect"].startswith(f"/checkout?reservation={sale.id}.")
    assert htmx.headers["HX-Redirect"] != plain.headers["location"]
    assert await flash.remaining(container, sale.id) == 3


async def refusal(web, sale, qty="1", **kw):
    response = await web.form(f"/flash/{sale.id}/reserve", {"qty": qty}, **kw)
    return response.status_code, response.text


async def test_every_refusal_is_explained(web, factory, container):
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    later = await make_sale(container, factory, starts_in=600)
    status, text = await refusal(web, later)
    assert status == 409 and 'data-reason="not_started"' in text and "has not started yet" in text

    gone = await make_sale(container, factory, quantity=1)
    await reserve(container, gone, (await factory.user()).id)
    status, text = await refusal(web, gone)
    assert status == 409 and "Sold out." in text and 'data-state="soldout"' in text

    limited = await make_sale(container, factory, quantity=10, limit=2)
    assert (await web.form(f"/flash/{limited.id}/reserve", {"qty": "2"})).status_code == 303
    status, text = await refusal(web, limited, headers=HX)  # htmx: only the result region
    assert status == 409 and text.lstrip().startswith("<div id=")
    assert "You already reserved this sale's units" in text and "/checkout?reservation=" in text  # the way back
    status, text = await refusal(web, limited, qty="3")
    assert status == 422 and "Choose a quantity from 1 to 2." in text
    for bad in ("0", "-1", "1.5", "x", "99999999999999999999"):
        assert (await refusal(web, limited, qty=bad))[0] == 422, bad

    short = await make_sale(container, factory, lasts=60)
    container.clock.advance(seconds=60)
    status, text = await refusal(web, short)
    assert status == 409 and "This sale has ended." in text


async def test_too_many_attempts_say_how_long_to_wait(web, factory, container):
    container.settings = container.settings.replace(flash_user_rate_limit=2)
    sale = await make_sale(container, factory, quantity=10, limit=1)
    await web.sign_in((await factory.user()).email)
    await web.page(f"/flash/{sale.id}")
    assert (await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"})).status_code == 303
    assert (await refusal(web, sale))[0] == 409  # over the per-person limit, and counted as an attempt
    response = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers=HX)
    wait = response.headers["Retry-After"]
    assert response.status_code == 429 and wait in ("9", "10")  # the window's seconds left
    assert f"Too many attempts. Wait {wait} seconds, then try again." in response.text


async def test_remind_me_toggles_in_place_and_without_javascript(web, factory, container):
    sale = await make_sale(container, factory, starts_in=3600)
    guest = await web.form(f"/flash/{sale.id}/remind", {"remind": "1"})
    assert guest.status_code == 303 and guest.headers["location"] == f"/login?next=/flash/{sale.id}"

    shopper = await factory.user()
    await web.sign_in(shopper.email)
    asked = await web.form(f"/flash/{sale.id}/remind", {"remind": "1", "next": "/deals"})
    assert asked.status_code == 303 and asked.headers["location"] == "/deals"
    assert await flash.reminded(container, shopper.id, [sale.id]) == {sale.id}
    page = (await web.page("/deals")).text
    assert "We will let you know when this sale starts." in page and "Reminder set" in card_of(page, sale.id)

    off = await web.form(f"/flash/{sale.id}/remind", {"remind": "0"}, headers=HX)
    assert off.status_code == 200 and off.text.startswith(f'<div id="remind-{sale.id}"') and "Remind me" in off.text
    assert await flash.reminded(container, shopper.id, [sale.id]) == set()
    on = await web.form(f"/flash/{sale.id}/remind", {"remind": "1", "count": "1"}, headers=HX)  # the sale's page
    assert "Reminder set" in on.text and await flash.reminder_count(container, sale.id) == 1
    assert "1 person is waiting" in on.text and 'name="count"' in on.text
    assert "1 person is waiting" in (await web.page(f"/flash/{sale.id}")).text

    running = await make_sale(container, factory)
    late = await web.form(f"/flash/{running.id}/remind", {"remind": "1"}, headers=HX)
    assert late.status_code == 409 and "Only an upcoming sale has reminders." in late.text
    no_token = await web.post(f"/flash/{sale.id}/remind", data={"remind": "0"})
    assert no_token.status_code == 403 and await flash.reminder_count(container, sale.id) == 1


async def test_a_suspended_shops_sale_leaves_the_storefront(web, factory, container):
    from mall.shops import services as shops

    shop = await factory.shop()
    sale = await make_sale(container, factory, shop=shop)
    assert sale.id in (await web.page("/deals")).text
    await shops.suspend(container.shops, container.products, container.clock, shop_id=shop.id, operator_id=None,
                        reason="Test")  # fmt: skip
    assert sale.id not in (await web.page("/deals")).text and sale.id not in (await web.page("/")).text
    assert (await web.get(f"/flash/{sale.id}")).status_code == 404


async def test_a_search_card_shows_the_flash_price_of_an_item_on_a_running_sale(web, factory, container):
    # given a kettle on a running flash sale at 99 (normal 450), and one whose sale has not started yet
    now, sales = container.clock.now(), {}
    for name, starts_in in (("Copper kettle", 0), ("Iron kettle", 3600)):
        product = await factory.product(name=name)
        sales[name] = await flash.create_sale(
            container, actor_id="merchant", product_id=product.id, variant_id=product.variants[0].id, price=9900,
            quantity=5, per_user_limit=1, starts_at=now + timedelta(seconds=starts_in),
            ends_at=now + timedelta(seconds=starts_in + 3600), shop_id=product.shop_id,
        )  # fmt: skip

    page = (await web.page("/search?q=kettle")).text

    # then the running one's card says what a shopper pays today, the normal price struck through
    copper = page[page.index("Copper kettle") : page.index("</a>", page.index("Copper kettle"))]
    assert money(9900, "TWD") in copper and '<s class="promo-price-was">' in copper and "Flash sale" in copper
    iron = page[page.index("Iron kettle") : page.index("</a>", page.index("Iron kettle"))]
    assert money(9900, "TWD") not in iron and "Flash sale" not in iron
