"""Issue 5's "Done when", in Chromium: a sale starts three seconds after the shopper opened its page; the
countdown runs down to zero and Buy enables itself on that very page (no reload); she buys two, checks out
at the sale price, pays in the sandbox and the order is paid. Meanwhile another shopper (a guest, on a
phone) watches the same sale and sees the units left drop without reloading. And the deals and sale
pages at phone and laptop size."""

from __future__ import annotations

from datetime import timedelta

from PIL import Image, ImageDraw
from playwright.async_api import expect

from mall.flash_sales import services as flash
from mall.infra.images import save_image
from mall.orders.models import CheckoutStatus, OrderStatus
from mall.payments import services as payments
from tests.browser.conftest import shot, sign_in
from tests.browser.test_buying_flow import LAPTOP, PHONE, open_tab


def picture(c, top: str, bottom: str) -> str:
    """A stored product picture: a two-tone square with a round tin on it."""
    image = Image.new("RGB", (600, 600), top)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 600, 600), fill=bottom)
    draw.ellipse((170, 150, 430, 470), fill="#f4ede1", outline="#3b2f2f", width=8)
    draw.rectangle((230, 110, 370, 170), fill="#3b2f2f")
    return save_image(image, c.settings.var_path / "media")


async def tea(c, factory, shop, en: str, zh: str, *, price: int, colours=("#2f7d4a", "#1b4d2e"), stock=50):
    return await factory.product(
        shop_id=shop.id,
        name={"en": en, "zh_Hant": zh},
        variants=[{"price": price, "stock": stock}],
        images=[picture(c, *colours)],
    )


async def sale_of(c, product, *, price: int, quantity: int, limit: int = 2, starts_in: float = 0, lasts=3600):
    now = c.clock.now()
    return await flash.create_sale(
        c, actor_id="merchant", product_id=product.id, variant_id=product.variants[0].id, price=price,
        quantity=quantity, per_user_limit=limit, starts_at=now + timedelta(seconds=starts_in),
        ends_at=now + timedelta(seconds=starts_in + lasts), shop_id=product.shop_id,
    )  # fmt: skip


async def connected(tab) -> None:
    await tab.wait_for_selector("#rt[data-ready=true]", state="attached")  # subscribed to `deals`


async def test_a_sale_opens_at_its_second_without_reload_and_is_bought_through_checkout_and_pay(
    page, browser, app, container, factory
):
    shop = await factory.shop(name="山茶行 Hill Tea")
    oolong = await tea(container, factory, shop, "Alishan Oolong", "阿里山烏龍茶", price=98000)
    shopper = await factory.user(name="Lin Mei")
    await sign_in(page, shopper.email)
    sale = await sale_of(container, oolong, price=49000, quantity=5, limit=2, starts_in=3)
    # the page's clock stands still at the server's (frozen) instant until the test moves it: however slow the
    # machine, the page shows the last second before the start when the test looks
    now = container.clock.now()
    await page.clock.install(time=now - timedelta(seconds=5))
    await page.clock.pause_at(now)

    await page.goto(f"/flash/{sale.id}")
    await connected(page)
    await page.evaluate("() => { window.__noReload = true; }")
    buy = page.locator("#flash-buy")
    await expect(buy).to_be_disabled()
    assert await page.get_attribute(".flash-page", "data-state") == "upcoming"
    assert "Starts soon" in await buy.inner_text()
    await shot(page, "flash-sale-upcoming-laptop")

    # another shopper, a guest on a phone, watches the same sale
    rival_context, rival = await open_tab(browser, app, PHONE)
    await rival.goto(f"/flash/{sale.id}")
    await connected(rival)
    await rival.evaluate("() => { window.__noReload = true; }")
    assert await rival.inner_text(".flash-page .flash-stock-text [data-flash-left] >> nth=0") == "5"

    countdown = page.locator(".flash-big-countdown")
    assert await countdown.inner_text() == "00:00:03"
    await page.clock.run_for(2500)
    await expect(countdown).to_have_text("00:00:01")
    await expect(buy).to_be_disabled()
    await page.clock.resume()  # time flows again: half a second to the start
    await expect(buy).to_be_enabled(timeout=5000)  # at the start second, on its own
    container.clock.advance(seconds=3)  # the server's clock is there too
    assert await page.evaluate("() => window.__noReload === true")  # the very same page
    assert await page.get_attribute(".flash-page", "data-state") == "running"
    assert "Buy now" in await buy.inner_text()
    assert await countdown.inner_text() in ("01:00:00", "00:59:59", "00:59:58")  # now to the end
    await shot(page, "flash-sale-open-laptop")

    # she buys two with the keyboard
    await page.select_option("#flash-qty", "2")
    await buy.focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(lambda url: "/checkout?reservation=" in url)
    items = await page.inner_text("#checkout-form")
    assert "Alishan Oolong" in items and "2 × NT$490" in items and "Flash sale price" in items
    assert "Reserved for you until" in await page.inner_text(".flash-hold")

    # the guest's page saw two units go, without a reload
    left = rival.locator(".flash-page .flash-stock-text [data-flash-left] >> nth=0")
    await expect(left).to_have_text("3", timeout=3000)
    assert await rival.evaluate("() => window.__noReload === true")
    await expect(rival.locator(".flash-page [data-flash-pct] >> nth=0")).to_have_text("40")
    await shot(rival, "flash-sale-live-phone")
    assert rival.js_errors == [], rival.js_errors
    await rival_context.close()

    # checkout at the sale price, then the sandbox payment
    await page.fill("#f-name", "Lin Mei")
    await page.fill("#f-phone", "0912-345-678")
    await page.fill("#f-postal_code", "10048")
    await page.select_option("#f-region", "TPE")
    await page.fill("#f-line", "No. 1, Sec. 1, Zhongshan S. Rd.")
    await page.wait_for_load_state("networkidle")
    await page.evaluate("window.scrollTo(0, 0)")
    await shot(page, "flash-checkout-laptop")
    await page.click("#checkout-submit")
    await page.wait_for_load_state("networkidle")
    assert "/pay/sandbox/" in page.url
    payment = await payments.get_payment(container.payments, page.url.rsplit("/", 1)[1])
    checkout = await container.checkouts.get(payment.checkout_id)
    assert checkout.total == payment.amount == 2 * 49000 + checkout.parts[0].shipping_fee
    await page.click("button.pay-button")
    await page.wait_for_load_state("networkidle")

    assert page.url.endswith(f"/checkouts/{checkout.id}") and "Payment received" in await page.inner_text("main")
    assert (await container.checkouts.get(checkout.id)).status is CheckoutStatus.PAID
    (order,) = await container.orders.of_checkout(checkout.id)
    assert order.status is OrderStatus.PAID and order.lines[0].unit_price == 49000 and order.lines[0].qty == 2
    figures = await flash.reconcile(container, sale.id)
    assert (figures.remaining, figures.held, figures.sold, figures.drift) == (3, 0, 2, 0)
    assert page.js_errors == [], page.js_errors


async def a_few_sales(c, factory):
    hills = await factory.shop(name="山茶行 Hill Tea")
    city = await factory.shop(name="城市茶舖 City Tea")
    books = await factory.shop(name="大安書店 Daan Books")
    items = [
        (hills, "Alishan Oolong", "阿里山烏龍茶", 98000, 49000, 20, 0, ("#2f7d4a", "#1b4d2e")),
        (city, "Pinglin Baozhong", "坪林包種茶", 72000, 39900, 12, 0, ("#c2410c", "#7c2d12")),
        (books, "Taipei Stories", "台北故事集", 48000, 29900, 30, 3 * 3600, ("#1f5fbf", "#173b73")),
        (hills, "Sun Moon Lake Black Tea", "日月潭紅茶", 88000, 52800, 15, 26 * 3600, ("#8a4fb3", "#4c2a66")),
    ]
    sales = []
    for shop, en, zh, normal, price, qty, starts_in, colours in items:
        product = await tea(c, factory, shop, en, zh, price=normal, colours=colours)
        sales.append(await sale_of(c, product, price=price, quantity=qty, limit=2, starts_in=starts_in))
    loose = c.settings
    c.settings = loose.replace(flash_user_rate_limit=10**6, flash_ip_rate_limit=10**6)
    for n in range(13):
        await flash.reserve(c, sales[0].id, f"buyer{n}", 1, ip=f"10.0.0.{n}")
    for n in range(12):
        await flash.reserve(c, sales[1].id, f"buyer{n}", 1, ip=f"10.0.1.{n}")
    c.settings = loose
    return sales


async def test_deals_and_a_sale_look_finished_on_a_phone_and_a_laptop(page, container, factory):
    running, _sold_out, upcoming, _far = await a_few_sales(container, factory)
    shopper = await factory.user(name="Lin Mei")
    await flash.remind(container, upcoming.id, shopper.id)
    await sign_in(page, shopper.email)

    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.goto("/deals")
        await connected(page)
        cards = page.locator(".flash-card")
        await expect(cards).to_have_count(4)
        states = await cards.evaluate_all("els => els.map(e => e.dataset.state)")
        assert states == ["running", "soldout", "upcoming", "upcoming"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        await shot(page, f"flash-deals-{size}")

        await page.goto(f"/flash/{running.id}")
        assert await page.inner_text(".flash-page .flash-stock-text [data-flash-left] >> nth=0") == "7"
        assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        await shot(page, f"flash-sale-{size}")

    await page.goto(f"/flash/{upcoming.id}")
    assert "Reminder set" in await page.inner_text("#remind-" + upcoming.id)
    await page.click(f"#remind-{upcoming.id} button")  # htmx: in place
    await expect(page.locator(f"#remind-{upcoming.id}")).to_contain_text("Remind me")
    assert await flash.reminded(container, shopper.id, [upcoming.id]) == set()
    assert "waiting" not in await page.inner_text(f"#remind-{upcoming.id}")  # nobody now
    await page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar would sit mid-picture otherwise
    await shot(page, "flash-sale-upcoming-phone")

    await page.set_viewport_size(LAPTOP)
    await page.goto("/")
    await expect(page.locator("#deals-strip .flash-card")).to_have_count(4)
    await shot(page, "flash-home-strip-laptop")
    await page.goto(f"/p/{running.product_id}")
    await expect(page.locator(".flash-banner")).to_contain_text("NT$490")
    await shot(page, "flash-product-banner-laptop")
    assert page.js_errors == [], page.js_errors
