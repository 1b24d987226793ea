"""What a shopper sees while buying, on a phone and a laptop: the checkout with a saved address."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
async def test_with_a_saved_address_checkout_shows_the_new_address_form_only_when_asked(
    browser, app, factory, javascript, name, viewport
):
    # given a shopper with a saved address and a cart
    shopper = await factory.user()
    await factory.address(shopper, default=True)
    await factory.cart_with(shopper, (await factory.stocked_product(price=45000, name="Alishan oolong"), 1))
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    await sign_in(tab, shopper.email)

    await tab.goto("/checkout")

    # then the saved address is chosen, no empty form is in the way, and "Place order and pay" is near
    assert await tab.is_checked("input[name=address_id]:not([value=new])")
    assert not await tab.is_visible("#f-name") and not await tab.is_visible("#f-line")
    button = await tab.locator("#checkout-submit").bounding_box()
    assert button["y"] < (1500 if name == "phone" else viewport["height"])  # was two screens down on a phone
    await shot(tab, f"checkout-saved-address-{name}{'' if javascript else '-nojs'}")
    # and picking "A new address" brings the form, without JavaScript too
    await tab.check("input[name=address_id][value=new]")
    assert await tab.is_visible("#f-name") and await tab.is_visible("#f-line")
    await shot(tab, f"checkout-new-address-{name}{'' if javascript else '-nojs'}")
    await context.close()
