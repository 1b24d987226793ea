"""The order pages a shopper, a merchant and an operator click through."""

from __future__ import annotations

from mall.orders import services as orders
from mall.web.i18n import money
from tests.integration.orders_helpers import ADDRESS_JSON, paid_order


def token_of(page) -> str:
    return page.text.split('name="checkout_token" value="')[1].split('"')[0]


async def test_checkout_page_places_the_order_and_sends_the_shopper_to_pay(web, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000, name="Alishan oolong")
    await factory.cart_with(shopper, (tea, 1))
    await web.sign_in(shopper.email)

    page = await web.page("/checkout")
    assert page.status_code == 200 and 'id="checkout-submit"' in page.text and "Alishan oolong" in page.text
    placed = await web.form(
        "/checkout",
        {
            "checkout_token": token_of(page),
            "address_id": "new",
            "save_address": "1",
            f"note_{tea.shop_id}": "No bag",
            **ADDRESS_JSON,
        },
    )

    assert placed.status_code == 303 and placed.headers["location"].startswith("/pay/sandbox/")
    (checkout,) = [c async for c in container.checkouts.checkouts.find({})]
    status = await web.page(f"/checkouts/{checkout['_id']}")
    assert checkout["number"] in status.text and 'id="pay-now"' in status.text
    (order,) = await container.orders.of_checkout(checkout["_id"])
    assert order.note == "No bag" and order.total == 45000 + 6000
    assert len(await orders.list_addresses(container.addresses, shopper.id)) == 1


async def test_after_placing_an_order_each_shops_total_shows_its_subtotal_and_shipping(web, factory, container):
    # given a plain order (no promotion): NT$450 of tea and NT$60 shipping
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000, name="Alishan oolong")
    await factory.cart_with(shopper, (tea, 1))
    await web.sign_in(shopper.email)
    page = await web.page("/checkout")
    await web.form("/checkout", {"checkout_token": token_of(page), "address_id": "new", **ADDRESS_JSON})
    (checkout,) = [c async for c in container.checkouts.checkouts.find({})]

    status = (await web.page(f"/checkouts/{checkout['_id']}")).text

    # then the shop's card adds up: subtotal + shipping = total
    card = status[status.index('class="card order-card"') :]
    assert "Subtotal" in card and money(45000, "TWD") in card
    assert "Shipping" in card and money(6000, "TWD") in card and money(51000, "TWD") in card


async def test_checkout_page_shows_each_shops_shipping_for_the_chosen_address(web, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000)
    await orders.save_template(
        container.shipping,
        container.clock,
        shop_id=tea.shop_id,
        flat_fee=6000,
        free_over=None,
        region_fees={"KIN": 20000},
    )
    kinmen = await factory.address(shopper, region="KIN")
    await factory.cart_with(shopper, (tea, 1))
    await web.sign_in(shopper.email)

    page = await web.page("/checkout")
    totals = await web.page(f"/checkout?address_id={kinmen.id}", headers={"HX-Request": "true"})

    assert "NT$200" in page.text and "NT$650" in page.text
    assert totals.text.lstrip().startswith('<div id="checkout-totals"') and "NT$650" in totals.text


async def test_checkout_form_errors_are_shown_next_to_the_fields(web, factory, container):
    shopper = await factory.user()
    await factory.cart_with(shopper, (await factory.stocked_product(), 1))
    await web.sign_in(shopper.email)
    page = await web.page("/checkout")

    response = await web.form(
        "/checkout",
        {"checkout_token": token_of(page), "address_id": "new", **ADDRESS_JSON, "phone": "call me", "region": "XX"},
    )

    assert response.status_code == 422
    assert "Enter a phone number" in response.text and "Choose a city or county" in response.text
    assert await container.checkouts.checkouts.count_documents({}) == 0


async def test_a_guest_is_asked_to_sign_in_at_checkout_and_keeps_the_cart(web, factory):
    shopper = await factory.user()
    tea = await factory.stocked_product()
    await web.page(f"/p/{tea.id}")
    await web.form("/cart/items", {"product_id": tea.id, "variant_id": tea.variants[0].id, "qty": "1"})

    to_login = await web.get("/checkout")
    await web.sign_in(shopper.email)
    page = await web.page("/checkout")

    assert to_login.status_code == 302 and to_login.headers["location"].startswith("/login?next=/checkout")
    assert page.status_code == 200 and 'id="checkout-submit"' in page.text


async def test_the_shopper_sees_orders_and_the_timeline(web, factory):
    shopper, _merchant, _product, order = await paid_order(factory)
    await web.sign_in(shopper.email)

    listing = await web.page("/orders")
    detail = await web.page(f"/orders/{order.id}")

    assert order.number in listing.text and "Paid" in listing.text
    assert "Order placed" in detail.text and "Payment received" in detail.text
    assert 'id="cancel-order"' in detail.text and 'id="confirm-receipt"' not in detail.text


async def test_the_merchant_filters_orders_by_status_and_prints_a_packing_slip(web, factory, container):
    shopper, merchant, product, order = await paid_order(factory)
    unpaid = await factory.checkout(shopper, (product, 1))
    await web.sign_in(merchant.email)

    paid_tab = await web.page("/merchant/orders?status=paid")
    all_tab = await web.page("/merchant/orders")
    fragment = await web.page("/merchant/orders?status=pending_payment", headers={"HX-Request": "true"})
    slip = await web.page(f"/merchant/orders/{order.id}/packing-slip")

    assert order.number in paid_tab.text and unpaid.orders[0].number not in paid_tab.text
    assert order.number in all_tab.text and unpaid.orders[0].number in all_tab.text
    assert fragment.text.lstrip().startswith('<nav class="tabs"') and unpaid.orders[0].number in fragment.text
    assert slip.status_code == 200 and "data-print" in slip.text and product.variants[0].sku in slip.text


async def test_the_merchant_must_give_a_carrier_and_tracking_number_and_a_cancel_reason(web, factory, container):
    _shopper, merchant, _product, order = await paid_order(factory)
    await web.sign_in(merchant.email)
    await web.page(f"/merchant/orders/{order.id}")

    no_tracking = await web.form(f"/merchant/orders/{order.id}/ship", {"carrier": "Post", "tracking_number": ""})
    shown = await web.page(f"/merchant/orders/{order.id}")
    no_reason = await web.form(f"/merchant/orders/{order.id}/cancel", {"reason": ""})
    reason_shown = await web.page(f"/merchant/orders/{order.id}")
    later = await web.page(f"/merchant/orders/{order.id}")

    # back at the order's own URL (a reload and the live refresh use it), the errors and what was typed shown once
    assert (no_tracking.status_code, no_tracking.headers["location"]) == (303, f"/merchant/orders/{order.id}")
    assert "Enter the tracking number" in shown.text and 'name="carrier" type="text" value="Post"' in shown.text
    assert f'hx-get="/merchant/orders/{order.id}" hx-trigger="live-refresh"' in shown.text
    assert (no_reason.status_code, no_reason.headers["location"]) == (303, f"/merchant/orders/{order.id}")
    assert "Tell the shopper why" in reason_shown.text and "Enter the tracking number" not in reason_shown.text
    assert "Tell the shopper why" not in later.text
    assert (await container.orders.get(order.id)).status.value == "paid"


async def test_the_merchant_edits_the_shipping_fees_that_checkout_uses(web, factory, container):
    merchant = await factory.merchant()
    await web.sign_in(merchant.email)

    page = await web.page("/merchant/shipping")
    saved = await web.form(
        "/merchant/shipping", {"flat_fee": "80", "free_over": "1500", "fee_PEN": "150", "fee_KIN": ""}
    )
    bad = await web.form("/merchant/shipping", {"flat_fee": "eighty", "free_over": ""})

    assert 'value="60"' in page.text and 'value="1000"' in page.text
    assert saved.status_code == 303 and bad.status_code == 422 and "Enter an amount" in bad.text
    template = await orders.template_for(container.shipping, merchant.shop_id)
    assert (template.flat_fee, template.free_over, template.region_fees) == (8000, 150000, {"PEN": 15000})


async def test_the_operator_finds_an_order_by_number_with_shop_and_shopper(web, factory):
    shopper, _merchant, _product, order = await paid_order(factory)
    _other_shopper, _m2, _p2, other = await paid_order(factory)
    operator = await factory.operator()
    await web.sign_in(operator.email)

    found = await web.page(f"/operator/orders?q={order.number.lower()}")
    detail = await web.page(f"/operator/orders/{order.id}")

    assert order.number in found.text and other.number not in found.text and shopper.email in found.text
    assert detail.status_code == 200 and shopper.email in detail.text


async def test_the_address_book_adds_edits_defaults_and_deletes(web, factory, container):
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    await web.page("/account/addresses/new")

    await web.form("/account/addresses", ADDRESS_JSON)
    await web.form("/account/addresses", {**ADDRESS_JSON, "name": "Chen Wei", "region": "TXG", "default": "1"})
    first, second = await orders.list_addresses(container.addresses, shopper.id)
    edited = await web.form(f"/account/addresses/{second.id}", {**ADDRESS_JSON, "name": "Lin Mei (office)"})
    await web.form(f"/account/addresses/{first.id}/delete")
    book = await web.page("/account/addresses")

    assert first.name == "Chen Wei" and first.is_default  # the default comes first
    assert edited.status_code == 303
    (left,) = await orders.list_addresses(container.addresses, shopper.id)
    assert left.name == "Lin Mei (office)" and left.is_default
    assert "Lin Mei (office)" in book.text
