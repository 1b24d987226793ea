"""On a phone, a person applies for a shop; on a laptop, the operator rejects it (confirming),
the person reads why and applies again; the operator approves; the new owner sets the colour."""

from __future__ import annotations

from tests.browser.conftest import shot, sign_in
from tests.integration.shops_helpers import png


async def test_apply_reject_reapply_approve_and_brand_the_shop(page, factory, container, tmp_path):
    applicant = await factory.user(name="Phone Person")
    operator = await factory.operator()
    logo = tmp_path / "logo.png"
    logo.write_bytes(png((300, 300)))

    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, applicant.email)
    await page.goto("/apply")
    await page.fill("#f-name", "Pocket Tea 口袋茶")
    await page.fill("#f-slug", "pocket-tea")
    await page.select_option("#f-category", "tea")
    await page.fill("#f-contact_phone", "+886 912 345 678")
    await page.set_input_files("#f-logo", str(logo))
    await shot(page, "shops-apply-phone")
    await page.click("form.card button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "being reviewed" in await page.inner_text("main")
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    base_url = page.url.split("/apply")[0]
    ops = await page.context.browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    tab = await ops.new_page()
    tab_errors: list[str] = []
    tab.on("pageerror", lambda exc: tab_errors.append(str(exc)))
    tab.on("console", lambda msg: tab_errors.append(msg.text) if msg.type == "error" else None)
    await sign_in(tab, operator.email)
    await tab.goto("/operator/applications")
    await shot(tab, "shops-operator-queue")
    shop = await container.shops.by_slug("pocket-tea")
    await tab.goto(f"/operator/shops/{shop.id}")
    await tab.fill("#f-reject", "Please add a phone number we can reach <b>daytime</b>.")
    tab.once("dialog", lambda dialog: dialog.accept())
    await tab.click("form[action$='/reject'] button")
    await tab.wait_for_load_state("networkidle")
    assert "Application rejected" in await tab.inner_text("main")

    await page.goto("/apply")
    assert "daytime</b>." in await page.inner_text(".alert-error")
    await shot(page, "shops-rejected-phone")
    await page.fill("#f-name", "Pocket Tea")
    await page.click("form.card button[type=submit]")
    await page.wait_for_load_state("networkidle")

    await tab.goto("/operator/applications")
    await tab.click(f"#shop-{shop.id} form[action$='/approve'] button")
    await tab.wait_for_load_state("networkidle")
    assert "Application approved" in await tab.inner_text("main")

    await page.goto("/apply")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith("/merchant")
    await shot(page, "shops-merchant-phone")
    await page.goto("/merchant/shop")
    await page.fill("#f-announcement", "Open for the new season!")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "Your shop page is updated." in await page.inner_text("main")
    await shot(page, "shops-settings-phone")
    assert (await container.shops.get(shop.id)).announcement == "Open for the new season!"

    await tab.goto("/operator/shops")
    await tab.fill("#f-q", "pocket")
    await tab.wait_for_selector("#shops-table:has-text('Pocket Tea')")
    await shot(tab, "shops-operator-list")
    assert page.js_errors == [] and tab_errors == []
    await ops.close()
