"""The operator's order search in Chromium on a phone and a laptop: typing part of a recipient's name or of an
order number narrows the list in place."""

from __future__ import annotations

import pytest

from mall.orders.services.addresses import AddressFields
from tests.browser.conftest import shot, sign_in
from tests.buying_factory import ADDRESS


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}], ids=["phone", "laptop"]
)
async def test_the_operator_narrows_orders_by_recipient_and_number_as_they_type(page, factory, viewport):
    product = await factory.stocked_product(stock=9)
    orders = []
    for recipient in ("林美玲", "Chen Wei-Ting"):
        shopper = await factory.user()
        address = AddressFields(**{**ADDRESS, "name": recipient})
        orders.append((await factory.paid_checkout(shopper, (product, 1), address=address)).orders[0])
    lin, chen = orders
    await page.set_viewport_size(viewport)
    await sign_in(page, (await factory.operator()).email)
    await page.goto("/operator/orders")

    await page.fill("#f-q", "美玲")
    await page.locator(f"#order-table tr.order-row[data-order='{chen.number}']").wait_for(state="detached")
    assert await page.locator("#order-table tr.order-row").count() == 1
    await shot(page, f"operator-order-search-{'phone' if viewport['width'] < 500 else 'laptop'}")

    await page.fill("#f-q", chen.number.split("-")[1].lower())
    await page.locator(f"#order-table tr.order-row[data-order='{chen.number}']").wait_for()
    assert await page.locator(f"#order-table tr.order-row[data-order='{lin.number}']").count() == 0
    assert page.js_errors == []
