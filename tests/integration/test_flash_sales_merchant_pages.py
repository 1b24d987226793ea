"""The merchant's flash-sale pages: schedule, change and cancel a sale of the shop's own SKU and watch its figures
(SECURITY rows 1, 3, 4 and 9)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mall.flash_sales import services as flash
from tests.integration.flash_console_helpers import edit_form, sale_count, sale_form
from tests.integration.flash_helpers import make_sale, reserve, sku_stock


async def signed_in_merchant(web, factory, *, stock=10, price=45000, name="Jasmine green tea"):
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id, name=name, variants=[{"stock": stock, "price": price}])
    await web.sign_in((await factory.owner_of(shop)).email)
    return shop, product


async def test_a_merchant_schedules_a_sale_and_sees_it_upcoming_with_the_stock_moved(web, factory, container):
    shop, product = await signed_in_merchant(web, factory)
    empty = await web.page("/merchant/flash-sales")
    assert empty.status_code == 200 and "No flash sales yet" in empty.text
    assert 'href="/merchant/flash-sales"' in empty.text  # in the console nav

    form = await web.page("/merchant/flash-sales/new")
    assert "Jasmine green tea" in form.text and "NT$450" in form.text and "10 in stock" in form.text
    created = await web.form("/merchant/flash-sales", sale_form(product, price="399.50", quantity="4", limit="2"))

    assert created.status_code == 303
    (sale,) = [s async for s in container.flash_sales.sales.find({})]
    assert created.headers["location"] == f"/merchant/flash-sales/{sale['_id']}"
    assert (sale["shop_id"], sale["price"], sale["quantity"], sale["per_user_limit"]) == (shop.id, 39950, 4, 2)
    assert sale["featured"] is False and sale["status"] == "scheduled"
    got = await container.flash_sales.get(sale["_id"])
    assert (got.starts_at, got.ends_at) == (
        datetime(2026, 11, 24, 13, tzinfo=UTC),
        datetime(2026, 11, 24, 15, tzinfo=UTC),
    )
    assert await sku_stock(container, got) == 6
    detail = await web.page(created.headers["location"])
    assert "Flash sale scheduled" in detail.text and 'data-state="upcoming"' in detail.text
    assert "21:00 – 23:00" in detail.text and "NT$399.50" in detail.text and "−11%" in detail.text
    listed = await web.page("/merchant/flash-sales")
    assert f'data-sale="{sale["_id"]}"' in listed.text and 'data-state="upcoming"' in listed.text
    upcoming = await web.page("/merchant/flash-sales?state=upcoming", headers={"HX-Request": "true"})
    assert upcoming.text.lstrip().startswith('<nav class="tabs"') and sale["_id"] in upcoming.text
    assert sale["_id"] not in (await web.page("/merchant/flash-sales?state=running")).text


BAD = [
    ({"quantity": "0"}, "quantity", "Enter a whole number of units from 1 to 1,000,000."),
    ({"quantity": "-3"}, "quantity", "Enter a whole number of units from 1 to 1,000,000."),
    ({"quantity": "2.5"}, "quantity", "Enter a whole number of units from 1 to 1,000,000."),
    ({"quantity": "ten"}, "quantity", "Enter a whole number of units from 1 to 1,000,000."),
    ({"quantity": "99999999999999999999"}, "quantity", "Enter a whole number of units from 1 to 1,000,000."),
    ({"price": "0"}, "price", "Enter the sale price, such as 399 or 399.50."),
    ({"price": "-10"}, "price", "Enter the sale price, such as 399 or 399.50."),
    ({"price": "1e9999"}, "price", "Enter the sale price, such as 399 or 399.50."),
    ({"price": "9.999"}, "price", "Enter the sale price, such as 399 or 399.50."),
    ({"price": "cheap"}, "price", "Enter the sale price, such as 399 or 399.50."),
    ({"per_user_limit": "0"}, "per_user_limit", "Enter a whole number from 1 to 1,000."),
    ({"per_user_limit": "1.5"}, "per_user_limit", "Enter a whole number from 1 to 1,000."),
    ({"starts_at": "tomorrow"}, "starts_at", "Enter the date and time the sale starts."),
    ({"ends_at": "2026-02-30T10:00"}, "ends_at", "Enter the date and time the sale ends."),
    ({"sku": "not-a-sku"}, "sku", "Choose the product and variant to sell."),
    ({"quantity": ["1", "1000"]}, "quantity", "Enter a whole number of units from 1 to 1,000,000."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
async def test_bad_input_is_a_422_with_the_message_next_to_the_field_and_nothing_is_written(
    web, factory, container, change, field, message
):
    _shop, product = await signed_in_merchant(web, factory)
    response = await web.form("/merchant/flash-sales", sale_form(product) | change)
    assert response.status_code == 422
    assert f'id="e-{field}">{message}' in response.text.replace("&#39;", "'")
    assert await sale_count(container) == 0 and (await container.products.get(product.id)).variants[0].stock == 10


@pytest.mark.parametrize(
    ("change", "field", "message", "status"),
    [
        ({"price": "450"}, "price", "The sale price must be below the normal price.", 422),
        ({"quantity": "11"}, "quantity", "Not enough stock for this sale.", 409),
        ({"window": ("2026-11-24T23:00", "2026-11-24T21:00")}, "ends_at", "The sale must end after it starts.", 422),
        ({"window": ("2026-11-24T10:00", "2026-11-24T11:00")}, "ends_at", "The sale must end in the future.", 422),
    ],
)
async def test_the_engines_refusals_are_shown_next_to_the_field(
    web, factory, container, change, field, message, status
):
    _shop, product = await signed_in_merchant(web, factory)
    response = await web.form("/merchant/flash-sales", sale_form(product, **change))
    assert response.status_code == status
    assert f'id="e-{field}">{message}' in response.text
    assert 'value="450"' in response.text or field != "price"  # what was typed stays in the form
    assert await sale_count(container) == 0 and (await container.products.get(product.id)).variants[0].stock == 10


async def test_extra_fields_cannot_move_a_sale_to_another_shop_or_feature_it(web, factory, container):
    """SECURITY row 3: shop_id, featured or status in the form are refused, never applied."""
    _shop, product = await signed_in_merchant(web, factory)
    other = await factory.shop()
    for extra in ({"shop_id": other.id}, {"featured": "true"}, {"status": "scheduled"}, {"created_by": "x"}):
        response = await web.form("/merchant/flash-sales", sale_form(product, **extra))
        assert response.status_code == 422, extra
        assert "This form does not accept the field" in response.text
    assert await sale_count(container) == 0


async def test_another_shops_sku_cannot_be_put_on_sale(web, factory, container):
    """SECURITY row 1: the SKU of another shop is refused (404) even when tampered into the form."""
    await signed_in_merchant(web, factory)
    theirs = await factory.product(name="Their tea", variants=[{"stock": 10}])
    assert "Their tea" not in (await web.page("/merchant/flash-sales/new?q=tea")).text
    response = await web.form("/merchant/flash-sales", sale_form(theirs))
    assert response.status_code == 404 and "No such SKU." in response.text
    assert await sale_count(container) == 0 and (await container.products.get(theirs.id)).variants[0].stock == 10


async def test_the_merchant_changes_a_sale_before_its_start_and_the_stock_follows(web, factory, container):
    _shop, product = await signed_in_merchant(web, factory)
    created = await web.form("/merchant/flash-sales", sale_form(product, quantity="5"))
    sale_id = created.headers["location"].rsplit("/", 1)[1]
    page = await web.page(f"/merchant/flash-sales/{sale_id}/edit")
    assert page.status_code == 200 and 'value="99"' in page.text and 'value="2026-11-24T21:00"' in page.text

    changed = await web.form(f"/merchant/flash-sales/{sale_id}/edit", edit_form(price="120", quantity="3", limit="2"))

    assert changed.status_code == 303 and changed.headers["location"] == f"/merchant/flash-sales/{sale_id}"
    sale = await container.flash_sales.get(sale_id)
    assert (sale.price, sale.quantity, sale.per_user_limit) == (12000, 3, 2)
    assert await sku_stock(container, sale) == 7
    refused = await web.form(f"/merchant/flash-sales/{sale_id}/edit", edit_form(quantity="99"))
    assert refused.status_code == 409 and "Not enough stock for this sale." in refused.text
    assert await sku_stock(container, sale) == 7
    tampered = await web.form(f"/merchant/flash-sales/{sale_id}/edit", edit_form(sku=f"{product.id}.{'a' * 24}"))
    assert tampered.status_code == 422 and (await container.flash_sales.get(sale_id)).variant_id == sale.variant_id

    container.clock.advance(hours=2)  # the sale has started: no more changes
    late = await web.page(f"/merchant/flash-sales/{sale_id}/edit")
    assert late.status_code == 303
    assert (await web.form(f"/merchant/flash-sales/{sale_id}/edit", edit_form())).status_code == 409
    assert (await container.flash_sales.get(sale_id)).price == 12000


async def test_cancelling_before_the_start_asks_first_and_returns_the_units(web, factory, container):
    _shop, product = await signed_in_merchant(web, factory)
    created = await web.form("/merchant/flash-sales", sale_form(product, quantity="6"))
    sale_id = created.headers["location"].rsplit("/", 1)[1]
    detail = await web.page(f"/merchant/flash-sales/{sale_id}")
    assert f'action="/merchant/flash-sales/{sale_id}/cancel" data-confirm=' in detail.text
    assert (await container.products.get(product.id)).variants[0].stock == 4

    cancelled = await web.form(f"/merchant/flash-sales/{sale_id}/cancel")

    assert cancelled.status_code == 303
    assert (await container.flash_sales.get(sale_id)).status == "cancelled"
    assert (await container.products.get(product.id)).variants[0].stock == 10
    after = await web.page(f"/merchant/flash-sales/{sale_id}")
    assert 'data-state="cancelled"' in after.text and "/cancel" not in after.text.split("Live figures")[0]
    again = await web.form(f"/merchant/flash-sales/{sale_id}/cancel")
    assert again.status_code == 303 and (await container.products.get(product.id)).variants[0].stock == 10


async def test_a_merchant_cannot_see_change_or_cancel_another_shops_sale(web, factory, container):
    """SECURITY row 1: 404 on every page and action, and nothing is written."""
    theirs = await make_sale(container, factory, stock=10, quantity=5, starts_in=3600)
    await signed_in_merchant(web, factory)
    base = f"/merchant/flash-sales/{theirs.id}"
    for path in (base, f"{base}/figures", f"{base}/edit"):
        assert (await web.page(path)).status_code == 404, path
    assert (await web.form(f"{base}/edit", edit_form(price="1", quantity="1"))).status_code == 404
    assert (await web.form(f"{base}/cancel")).status_code == 404
    assert theirs.id not in (await web.page("/merchant/flash-sales")).text
    after = await container.flash_sales.get(theirs.id)
    assert (after.status, after.price, after.quantity) == ("scheduled", theirs.price, 5)
    assert await sku_stock(container, after) == 5


async def test_posts_need_the_csrf_token(web, factory, container):
    """SECURITY row 9."""
    _shop, product = await signed_in_merchant(web, factory)
    created = await web.form("/merchant/flash-sales", sale_form(product))
    sale_id = created.headers["location"].rsplit("/", 1)[1]
    for path, data in (
        ("/merchant/flash-sales", sale_form(product)),
        (f"/merchant/flash-sales/{sale_id}/edit", edit_form(price="10")),
        (f"/merchant/flash-sales/{sale_id}/cancel", {}),
    ):
        assert (await web.post(path, data=data)).status_code == 403, path
        assert (await web.post(path, data={**data, "csrf_token": "forged"})).status_code == 403, path
    sale = await container.flash_sales.get(sale_id)
    assert await sale_count(container) == 1 and (sale.status, sale.price) == ("scheduled", 9900)


async def test_shoppers_cannot_open_the_merchant_pages(web, factory):
    """SECURITY row 2."""
    await web.sign_in((await factory.user()).email)
    assert (await web.page("/merchant/flash-sales")).status_code == 403
    assert (await web.form("/merchant/flash-sales", {})).status_code == 403


async def test_the_figures_show_reservations_holds_sales_and_reminders(web, factory, container):
    shop, _product = await signed_in_merchant(web, factory, stock=20)
    sale = await make_sale(container, factory, shop=shop, stock=20, quantity=10, limit=2, starts_in=600)
    for _ in range(2):
        await flash.remind(container, sale.id, (await factory.user()).id)
    container.clock.advance(seconds=601)
    buyer, holders = await factory.user(), [await factory.user() for _ in range(2)]
    answer = await reserve(container, sale, buyer.id, 2)
    await factory.pay(buyer, (await factory.flash_checkout(buyer, answer.id)).checkout)
    for holder in holders:
        await reserve(container, sale, holder.id)

    page = await web.page(f"/merchant/flash-sales/{sale.id}")
    region = await web.page(f"/merchant/flash-sales/{sale.id}/figures", headers={"HX-Request": "true"})

    assert 'data-state="running"' in page.text and f'id="flash-figures" data-sale="{sale.id}"' in page.text
    assert 'hx-trigger="live-refresh, every 15s"' in page.text
    for text in (page.text, region.text):
        figures = {k: text.split(f'data-figure="{k}">')[1].split("<")[0] for k in ("sold", "held", "remaining")}
        assert figures == {"sold": "2", "held": "2", "remaining": "6"}
        assert 'data-figure="reserved">4<' in text and 'data-figure="conversion">50%<' in text
        assert 'data-figure="reminders">2<' in text
        assert 'class="fs-arc fs-arc-sold"' in text and "<polyline" in text  # the donut and the sparkline
    assert "<html" not in region.text
    listed = await web.page("/merchant/flash-sales")
    assert "6 left · 2 sold" in listed.text


async def test_the_list_is_paginated_twenty_a_page(web, factory, container):
    shop, _product = await signed_in_merchant(web, factory)
    sales = [await make_sale(container, factory, shop=shop, stock=5, quantity=1, starts_in=60 * n) for n in range(21)]
    first = await web.page("/merchant/flash-sales")
    second = await web.page("/merchant/flash-sales?page=2")
    assert first.text.count('class="fs-row"') == 20 and second.text.count('class="fs-row"') == 1
    assert sales[0].id in second.text and 'href="/merchant/flash-sales?page=2"' in first.text  # newest start first
