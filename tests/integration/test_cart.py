"""The cart: one across shops, a guest cart merged at sign-in, htmx swaps, and every view checked
against current prices and stock."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.catalog.models import ProductStatus
from tests.integration.orders_helpers import bearer

HTMX = {"HX-Request": "true"}


def add_form(product, qty=1, index=0):
    return {"product_id": product.id, "variant_id": product.variants[index].id, "qty": str(qty)}


async def test_the_product_page_has_an_add_to_cart_form_for_the_chosen_variant(web, factory):
    tea = await factory.stocked_product(
        variants=[("TEA-S", 30000, 4, {"size": "S"}), ("TEA-L", 50000, 0, {"size": "L"})]
    )

    small = await web.page(f"/p/{tea.id}?variant={tea.variants[0].id}")
    large = await web.page(f"/p/{tea.id}?variant={tea.variants[1].id}")

    assert 'id="add-to-cart-button"' in small.text and f'value="{tea.variants[0].id}"' in small.text
    assert 'max="4"' in small.text
    assert 'id="add-to-cart-button"' not in large.text and "Sold out" in large.text


async def test_a_guest_adds_from_two_shops_and_sees_one_cart_grouped_by_shop(web, factory):
    tea = await factory.stocked_product(name="Alishan oolong", price=45000)
    cups = await factory.stocked_product(name="Celadon cup", price=30000)
    await web.page(f"/p/{tea.id}")

    added = await web.form("/cart/items", add_form(tea, 2), headers=HTMX)
    await web.form("/cart/items", add_form(cups, 1), headers=HTMX)
    cart = await web.page("/cart")

    assert added.status_code == 200 and "Added to your cart" in added.text
    assert added.headers["HX-Trigger"] == "cart-changed"
    assert (await web.get("/cart/count")).text == "3"
    assert cart.text.count('class="card cart-shop"') == 2
    assert "Alishan oolong" in cart.text and "Celadon cup" in cart.text
    assert "NT$1,200" in cart.text and 'id="cart-checkout"' in cart.text


async def test_without_javascript_adding_goes_to_the_cart_page(web, factory):
    tea = await factory.stocked_product()
    await web.page(f"/p/{tea.id}")

    response = await web.form("/cart/items", add_form(tea))

    assert response.status_code == 303 and response.headers["location"] == "/cart"


async def test_quantity_changes_and_removal_swap_the_cart_region(web, factory):
    tea = await factory.stocked_product(price=45000, stock=9)
    await web.page(f"/p/{tea.id}")
    await web.form("/cart/items", add_form(tea, 1))
    line_id = (await web.page("/cart")).text.split('id="line-')[1].split('"')[0]

    changed = await web.form(f"/cart/items/{line_id}", {"qty": "3"}, headers=HTMX)
    assert changed.status_code == 200 and changed.text.lstrip().startswith('<div id="cart"')
    assert "NT$1,350" in changed.text and changed.headers["HX-Trigger"] == "cart-changed"
    removed = await web.form(f"/cart/items/{line_id}/remove", headers=HTMX)

    assert "Your cart is empty" in removed.text
    assert (await web.get("/cart/count")).text == ""


async def test_the_guest_cart_joins_the_shoppers_own_cart_at_sign_in(web, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=9)
    cups = await factory.stocked_product(stock=9)
    await factory.cart_with(shopper, (tea, 1))
    await web.page(f"/p/{tea.id}")
    await web.form("/cart/items", add_form(tea, 2))
    await web.form("/cart/items", add_form(cups, 1))

    await web.sign_in(shopper.email)

    lines = {line.product_id: line.qty for line in await container.carts.for_user(shopper.id).lines()}
    assert lines == {tea.id: 3, cups.id: 1}
    assert (await web.get("/cart/count")).text == "4"


async def test_a_price_change_is_shown_once_with_both_prices(web, factory, container):
    tea = await factory.stocked_product(price=45000)
    await web.page(f"/p/{tea.id}")
    await web.form("/cart/items", add_form(tea))
    await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.price": 42000}})

    first = await web.page("/cart")
    second = await web.page("/cart")

    assert "Price changed from NT$450 to NT$420" in first.text
    assert "Price changed" not in second.text and "NT$420" in second.text


async def test_low_stock_and_unavailable_lines_are_flagged_and_block_checkout(web, factory, container):
    tea = await factory.stocked_product(stock=5)
    cups = await factory.stocked_product(stock=5)
    await web.page(f"/p/{tea.id}")
    await web.form("/cart/items", add_form(tea, 4))
    await web.form("/cart/items", add_form(cups, 1))
    await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.stock": 2}})
    await catalog.set_product_status(
        container.products, container.clock, shop_id=cups.shop_id, product_id=cups.id, status=ProductStatus.DELISTED
    )

    cart = await web.page("/cart")

    assert "Only 2 left" in cart.text and "No longer available" in cart.text
    assert 'id="cart-checkout"' not in cart.text and 'aria-disabled="true"' in cart.text


async def test_a_sold_out_variant_cannot_be_added(web, factory, container):
    tea = await factory.stocked_product(stock=1)
    await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.stock": 0}})
    await web.page(f"/p/{tea.id}")

    response = await web.form("/cart/items", add_form(tea), headers=HTMX)

    assert response.status_code == 422 and "no longer available" in response.text
    assert (await web.get("/cart/count")).text == ""


async def test_the_cart_api_adds_lists_changes_and_removes(api, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000, stock=9)
    headers = await bearer(container, shopper)
    body = {"product_id": tea.id, "variant_id": tea.variants[0].id, "qty": 2}

    added = await api.post("/api/v1/cart/items", json=body, headers=headers)
    (item,) = added.json()["items"]
    changed = await api.patch(f"/api/v1/cart/items/{item['id']}", json={"qty": 5}, headers=headers)
    removed = await api.delete(f"/api/v1/cart/items/{item['id']}", headers=headers)
    again = await api.delete(f"/api/v1/cart/items/{item['id']}", headers=headers)

    assert added.status_code == 201
    assert item["unit_price"] == 45000 and item["line_total"] == 90000 and item["shop"]["id"] == tea.shop_id
    assert changed.json()["subtotal"] == 5 * 45000 and changed.json()["ready"] is True
    assert removed.status_code == 204 and again.status_code == 404
    assert (await api.get("/api/v1/cart/items", headers=headers)).json()["items"] == []
    assert (await api.get("/api/v1/cart/items")).status_code == 401


async def test_adding_an_unknown_or_hidden_product_is_refused(api, factory, container):
    shopper = await factory.user()
    hidden = await factory.stocked_product()
    await catalog.set_product_status(
        container.products, container.clock, shop_id=hidden.shop_id, product_id=hidden.id, status=ProductStatus.DELISTED
    )
    headers = await bearer(container, shopper)

    unknown = await api.post(
        "/api/v1/cart/items", json={"product_id": "0" * 24, "variant_id": "0" * 24, "qty": 1}, headers=headers
    )
    delisted = await api.post(
        "/api/v1/cart/items",
        json={"product_id": hidden.id, "variant_id": hidden.variants[0].id, "qty": 1},
        headers=headers,
    )
    injected = await api.post(
        "/api/v1/cart/items", json={"product_id": {"$ne": ""}, "variant_id": "0" * 24, "qty": 1}, headers=headers
    )

    assert (unknown.status_code, delisted.status_code, injected.status_code) == (422, 422, 422)
    assert await container.carts.for_user(shopper.id).lines() == []


async def test_the_header_shows_a_cart_link_that_loads_its_count(web):
    home = await web.page("/")

    assert 'class="cart-link" href="/cart"' in home.text and 'hx-get="/cart/count"' in home.text
