"""The buying loop in Chromium, told as the three people live it: a shopper on a phone fills one
cart from two shops as a guest, signs in at checkout, pays once in the sandbox and gets two paid
orders; each merchant sees only their own order and ships it; the shopper sees it shipped and
confirms receipt."""

from __future__ import annotations

from mall.orders.models import CheckoutStatus, OrderStatus
from mall.payments import services as payments
from tests.browser.conftest import shot, sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


async def open_tab(browser, app, viewport):
    """A separate browser context (its own cookies, so its own person) with errors collected like `page`."""
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.js_errors = errors
    return context, tab


async def two_shops_with_tea(factory):
    hills, city = await factory.shop(name="山茶行 Hill Tea"), await factory.shop(name="城市茶舖 City Tea")
    oolong = await factory.product(
        shop_id=hills.id,
        name={"en": "Alishan Oolong", "zh_Hant": "阿里山烏龍茶"},
        variants=[{"sku": "H-1", "price": 98000, "stock": 5}],
    )
    baozhong = await factory.product(
        shop_id=city.id,
        name={"en": "Pinglin Baozhong", "zh_Hant": "坪林包種茶"},
        variants=[{"sku": "C-1", "price": 72000, "stock": 8}],
    )
    return (hills, oolong), (city, baozhong)


async def add_to_cart(tab, product, qty: int = 1) -> None:
    await tab.goto(f"/p/{product.id}")
    await tab.fill("#add-qty", str(qty))
    await tab.click("#add-to-cart-button")
    message = tab.locator("#add-to-cart-result .add-to-cart-message")
    await message.wait_for()
    assert "View cart" in await message.inner_text()


async def ship(tab, order, *, carrier: str, tracking: str) -> None:
    await tab.click(f".order-row[data-order='{order.number}'] a")
    await tab.wait_for_load_state("networkidle")
    await tab.fill(".ship-form #f-carrier", carrier)
    await tab.fill(".ship-form #f-tracking_number", tracking)
    await tab.click(".ship-form .ship-button")
    await tab.wait_for_load_state("networkidle")
    main = await tab.inner_text("main")
    assert "Marked as shipped" in main and tracking in main
    assert await tab.get_attribute(".page-head .order-status", "data-status") == "shipped"
    assert await tab.locator(".ship-form").count() == 0  # cannot be shipped twice


async def test_two_shops_one_payment_each_merchant_ships_and_the_shopper_confirms(
    page, browser, app, container, factory
):
    (hills, oolong), (city, baozhong) = await two_shops_with_tea(factory)
    merchant1, merchant2 = await factory.owner_of(hills), await factory.owner_of(city)
    shopper = await factory.user(name="Lin Mei")
    await page.set_viewport_size(PHONE)

    # a guest fills one cart from two shops
    await add_to_cart(page, oolong, 1)
    await add_to_cart(page, baozhong, 2)
    await page.goto("/cart")
    shops = await page.locator(".cart-shop-name").all_inner_texts()
    assert sorted(shops) == sorted(["山茶行 Hill Tea", "城市茶舖 City Tea"])
    cart = await page.inner_text("#cart")
    assert "3 items" in cart and "NT$2,420" in cart  # 980 + 2 × 720
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await shot(page, "buying-cart-phone")

    # checking out asks them to sign in, and the cart comes along
    await page.click("#cart-checkout")
    await page.wait_for_load_state("networkidle")
    assert "/login" in page.url
    await page.fill("#f-email", shopper.email)
    await page.fill("#f-password", "password123")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith("/checkout")
    items = await page.inner_text("#checkout-form")
    assert "Alishan Oolong" in items and "Pinglin Baozhong" in items

    # a new address; Hill Tea charges NT$60 shipping, City Tea ships free over NT$1,000
    await page.fill("#f-name", "Lin Mei")
    await page.fill("#f-phone", "0912-345-678")
    await page.fill("#f-postal_code", "10048")
    await page.select_option("#f-region", "TPE")
    await page.fill("#f-line", "No. 1, Sec. 1, Zhongshan S. Rd.")
    await page.fill(f"#note-{city.id}", "Please wrap it as a gift")
    await page.wait_for_load_state("networkidle")
    assert await page.inner_text("#checkout-total") == "NT$2,480"
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar would sit mid-picture otherwise
    await shot(page, "buying-checkout-phone")
    await page.click("#checkout-submit")
    await page.wait_for_load_state("networkidle")

    # placing it leads to the sandbox payment page for the whole amount
    assert "/pay/sandbox/" in page.url
    payment = await payments.get_payment(container.payments, page.url.rsplit("/", 1)[1])
    checkout = await container.checkouts.get(payment.checkout_id)
    assert checkout.status == CheckoutStatus.PENDING_PAYMENT and checkout.total == payment.amount == 248000
    assert "NT$2,480" in await page.inner_text(".pay-amount")

    # the checkout's own page shows it awaiting payment; Pay now goes back to the same page
    await page.goto(f"/checkouts/{checkout.id}")
    assert "Awaiting payment" in await page.inner_text(".page-head")
    await page.click("#pay-now")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/pay/sandbox/{payment.id}")
    await page.click("button[value=succeed]")
    await page.wait_for_load_state("networkidle")

    # paid once: two orders, one per shop, both paid
    assert page.url.endswith(f"/checkouts/{checkout.id}")
    main = await page.inner_text("main")
    assert "Payment received" in main and "Each shop now prepares its own parcel" in main
    statuses = await page.locator(".order-card .order-status").evaluate_all("els => els.map(e => e.dataset.status)")
    assert statuses == ["paid", "paid"]
    assert (await container.checkouts.get(checkout.id)).status == CheckoutStatus.PAID
    orders = {o.shop_id: o for o in await container.orders.of_checkout(checkout.id)}
    assert set(orders) == {hills.id, city.id}
    assert all(o.status == OrderStatus.PAID and o.user_id == shopper.id for o in orders.values())
    hill_order, city_order = orders[hills.id], orders[city.id]
    assert (hill_order.total, city_order.total) == (104000, 144000)
    assert city_order.note == "Please wrap it as a gift"
    assert await factory.variant_stock(oolong) == 4 and await factory.variant_stock(baozhong) == 6

    # each merchant sees only their own shop's order, and ships it
    shipped = {}
    for merchant, mine, theirs, viewport, carrier, tracking in (
        (merchant1, hill_order, city_order, LAPTOP, "Chunghwa Post", "CP-20261124-01"),
        (merchant2, city_order, hill_order, PHONE, "Black Cat", "BC-998877"),
    ):
        context, tab = await open_tab(browser, app, viewport)
        await sign_in(tab, merchant.email)
        await tab.goto("/merchant/orders")
        rows = await tab.locator(".order-row").evaluate_all("els => els.map(e => e.dataset.order)")
        assert rows == [mine.number]
        listed = await tab.inner_text("#order-table")
        assert mine.number in listed and theirs.number not in listed and "Paid" in listed
        peek = await context.request.get(f"/merchant/orders/{theirs.id}")  # the other shop's order, by its id
        assert peek.status == 404
        await ship(tab, mine, carrier=carrier, tracking=tracking)
        await shot(tab, f"buying-merchant-shipped-{viewport['width']}")
        shipped[mine.id] = (carrier, tracking)
        assert tab.js_errors == [], tab.js_errors
        await context.close()
    for order_id, (carrier, tracking) in shipped.items():
        order = await container.orders.get(order_id)
        assert order.status == OrderStatus.SHIPPED
        assert (order.carrier, order.tracking_number) == (carrier, tracking)

    # the shopper sees both shipped, follows the parcel and confirms receipt of one
    await page.goto("/orders")
    listed = await page.locator(".order-row .order-status").evaluate_all("els => els.map(e => e.dataset.status)")
    assert listed == ["shipped", "shipped"]
    await page.goto(f"/orders/{hill_order.id}")
    assert "Shipped" in await page.inner_text(".page-head .order-status")
    main = await page.inner_text("main")
    assert "Chunghwa Post" in main and "CP-20261124-01" in main
    await page.click("#confirm-receipt")
    await page.wait_for_load_state("networkidle")
    assert "The order is complete" in await page.inner_text("main")
    assert "Completed" in await page.inner_text(".page-head .order-status")
    assert await page.locator("#confirm-receipt").count() == 0
    await shot(page, "buying-order-completed-phone")
    assert (await container.orders.get(hill_order.id)).status == OrderStatus.COMPLETED
    assert (await container.orders.get(city_order.id)).status == OrderStatus.SHIPPED  # the other waits for its own
    assert page.js_errors == [], page.js_errors
