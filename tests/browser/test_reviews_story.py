"""Issue 12's story in Chromium: a shopper confirms receipt of an order and reviews it with a photo and shop
ratings; the merchant's open reviews page shows a toast and the review without a reload, and they reply; the open
product page's rating line updates by itself; the product page shows the review, the new average and 已售; a search
with "4★ and up" finds the product (and not a 3★ one). Phone and laptop pictures of each page."""

from __future__ import annotations

import io

from PIL import Image

from mall.orders import services as orders
from tests.browser.conftest import shot, sign_in
from tests.browser.test_live_orders import connected, open_tab
from tests.integration.reviews_helpers import deliver, review

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


async def both_widths(tab, name: str) -> None:
    for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
        await tab.set_viewport_size(size)
        await tab.evaluate("() => window.scrollTo(0, 0)")  # the sticky top bar stays at the top of the picture
        await shot(tab, f"reviews-{name}-{label}")


async def test_review_with_a_photo_reaches_the_merchant_live_and_shows_everywhere(page, browser, app, factory):
    c = factory.c
    shop = await factory.shop(name="Hillside Tea")
    owner = await factory.owner_of(shop)
    product = await factory.stocked_product(shop=shop, name="Cloudtop Oolong", stock=20)
    other = await factory.stocked_product(shop=shop, name="Cloudtop Oolong Dust", stock=20)
    someone = await factory.user()
    elsewhere = await factory.paid_checkout(someone, (other, 1))
    await review(c, someone, await deliver(c, owner, elsewhere.orders[0]), stars=3)
    shopper = await factory.user(name="Mei Lin")
    placed = await factory.paid_checkout(shopper, (product, 2))
    order = placed.orders[0]
    await orders.ship_order(c, shop_id=shop.id, order_id=order.id, actor_id=owner.id, carrier="Post",
                            tracking_number="RR123456")  # fmt: skip

    errors: list[str] = []
    m_context, merchant = await open_tab(browser, app, LAPTOP, errors)
    await sign_in(merchant, owner.email)
    await merchant.goto("/merchant/reviews")
    await connected(merchant)
    await merchant.evaluate("() => { window.__noReload = true; }")
    g_context, guest = await open_tab(browser, app, LAPTOP, errors)
    await guest.goto(f"/p/{product.id}")
    await connected(guest)
    assert "No reviews yet" in await guest.inner_text("#review-summary")
    await guest.evaluate("() => { window.__noReload = true; }")

    # the shopper confirms receipt, then reviews the order
    await page.set_viewport_size(PHONE)
    await sign_in(page, shopper.email)
    await page.goto(f"/orders/{order.id}")
    await page.click("#confirm-receipt")
    await page.wait_for_load_state("networkidle")
    await page.click("#write-review")
    await page.wait_for_selector("form.review-form")
    await page.click("label[for=s0-5]")
    await page.fill("#t0", "Sweet, floral and clean. 回甘很好！")
    await page.click("label.check-chip:has(input[value=quality])")
    await page.set_input_files("#p0", files=[{"name": "tea.png", "mimeType": "image/png", "buffer": photo()}])
    await page.locator("#p0-kept .kept-photo").wait_for()
    for key in ("described", "service", "shipping"):
        await page.click(f"label[for=d-{key}-5]")
    await both_widths(page, "form")
    await page.set_viewport_size(PHONE)
    await page.click("form.review-form button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "Thank you for your review!" in await page.inner_text("main")
    written = (await c.reviews.of_order(order.id))[0]
    assert written.stars == 5 and len(written.photos) == 1 and written.tags == ["quality"]

    # the merchant's open page: a toast and the new review, no reload; they reply in place
    await merchant.locator(".toast:has-text('New 5★ review')").wait_for(timeout=3000)
    card = merchant.locator(f"#review-{written.id}")
    await card.wait_for(timeout=3000)
    assert await merchant.evaluate("() => window.__noReload === true")
    await card.locator("textarea[name=text]").fill("Thank you, Mei! Enjoy the second steep.")
    await card.locator("button[type=submit]").click()
    await merchant.locator(f"#review-{written.id} .review-reply:has-text('Enjoy the second steep')").wait_for()
    await both_widths(merchant, "merchant")

    # the guest's open product page updated its rating line by itself
    await guest.locator("#review-summary:has-text('1 review')").wait_for(timeout=3000)
    assert await guest.evaluate("() => window.__noReload === true")
    await guest.goto(f"/p/{product.id}")
    summary = await guest.inner_text("#review-summary")
    assert "5.0" in summary and "1 review" in summary and "2 sold" in summary
    reviews_text = await guest.inner_text("#reviews")
    assert "Sweet, floral and clean." in reviews_text and "Enjoy the second steep." in reviews_text
    await guest.click(f"#review-{written.id} a[data-lightbox]")
    assert await guest.locator("#lightbox[open]").count() == 1
    await guest.click("[data-lightbox-close]")
    await both_widths(guest, "product")

    # search: 4★ and up finds it, and not the 3★ one
    await guest.set_viewport_size(LAPTOP)
    await guest.goto("/search?q=cloudtop")
    assert await guest.locator("#results .product-card").count() == 2
    await guest.check("#f-rating-4")
    await guest.locator("#results .product-card").nth(1).wait_for(state="detached")
    results = await guest.inner_text("#results")
    assert "Cloudtop Oolong" in results and "Cloudtop Oolong Dust" not in results and "4★ and up" in results
    await both_widths(guest, "search")

    assert errors == []
    await m_context.close()
    await g_context.close()


async def test_the_compare_view_shows_ratings_sold_and_shop_health_and_fits_a_phone(page, factory):
    c = factory.c
    picked = []
    for name, stars in (("Alpine Green", 5), ("Harbour Black", 3), ("Forest Oolong", 4)):
        shop = await factory.shop(name=f"{name} Co")
        owner = await factory.owner_of(shop)
        product = await factory.stocked_product(shop=shop, name=name, stock=20)
        buyer = await factory.user()
        placed = await factory.paid_checkout(buyer, (product, 1))
        await review(c, buyer, await deliver(c, owner, placed.orders[0]), stars=stars)
        picked.append(product)

    await page.set_viewport_size(PHONE)
    for product in picked:
        await page.goto(f"/p/{product.id}")
        await page.click("form[action='/compare'] button[type=submit]")
        await page.wait_for_load_state("networkidle")
    await page.goto("/compare")

    table = await page.inner_text("#compare-table")
    assert "Rating" in table and "Sold" in table and "Shop ratings" in table and "New shop" in table
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    await both_widths(page, "compare")
