"""The marketing console and the operators' approval queue: a marketer features any shop's SKU, an operator
approves or rejects it, the marketer sees the decision (SECURITY rows 2, 8 and 9)."""

from __future__ import annotations

from mall.flash_sales import services as flash
from tests.integration.flash_console_helpers import NOW, edit_form, featured_sale, sale_count, sale_form
from tests.integration.flash_helpers import sku_stock


async def test_a_marketer_finds_any_shops_sku_and_sends_a_featured_sale_for_approval(web, factory, container):
    shop = await factory.shop(name="Hill Farm")
    oolong = await factory.product(shop_id=shop.id, name="Dong Ding oolong", variants=[{"stock": 8, "sku": "DD-50G"}])
    await factory.product(name="Ceramic teapot")
    await web.sign_in((await factory.marketer()).email)
    home = await web.page("/")
    assert 'href="/marketing"' in home.text  # in the top-bar menu

    found = await web.page("/marketing/flash-sales/new?q=oolong")
    by_code = await web.page("/marketing/flash-sales/new?q=dd-50g", headers={"HX-Request": "true"})
    assert "Dong Ding oolong" in found.text and "Hill Farm" in found.text and "Ceramic teapot" not in found.text
    assert "need an operator’s approval" in found.text and "Send for approval" in found.text
    assert "Dong Ding oolong" in by_code.text and "<html" not in by_code.text  # just the picker, for htmx

    created = await web.form("/marketing/flash-sales", sale_form(oolong, quantity="5"))

    assert created.status_code == 303
    sales, _pages = await flash.sales_in_state(container, state="pending_approval")
    (sale,) = sales
    assert (sale.shop_id, sale.featured, sale.quantity) == (shop.id, True, 5)
    assert await sku_stock(container, sale) == 8  # nothing moves before the approval
    detail = await web.page(created.headers["location"])
    assert "Sent for approval" in detail.text and "Waiting for an operator’s approval" in detail.text
    overview = await web.page("/marketing")
    assert (
        overview.status_code == 200
        and "Dong Ding oolong" in overview.text
        and 'id="marketing-overview"' in overview.text
    )
    listed = await web.page("/marketing/flash-sales?state=pending_approval")
    assert f'data-sale="{sale.id}"' in listed.text and "Hill Farm" in listed.text


async def test_an_operator_approves_a_featured_sale_and_its_units_leave_the_stock(web, factory, container):
    product = await factory.product(name="Alishan high mountain", variants=[{"stock": 9, "price": 80000}])
    sale = await featured_sale(container, product, await factory.marketer(), quantity=4, price=60000)
    await web.sign_in((await factory.operator()).email)

    queue = await web.page("/operator/flash-sales")
    assert 'href="/operator/flash-sales"' in queue.text and f'id="sale-{sale.id}"' in queue.text
    assert "Alishan high mountain" in queue.text and "NT$600" in queue.text and "−25%" in queue.text
    assert "of 9 in stock now" in queue.text
    approved = await web.form(f"/operator/flash-sales/{sale.id}/approve")

    assert approved.status_code == 303 and approved.headers["location"] == "/operator/flash-sales"
    after = await container.flash_sales.get(sale.id)
    assert after.status == "scheduled" and after.decided_by is not None
    assert await sku_stock(container, after) == 5
    assert f'id="sale-{sale.id}"' not in (await web.page("/operator/flash-sales")).text


async def test_approving_without_the_stock_shows_the_refusal_and_keeps_it_waiting(web, factory, container):
    product = await factory.product(variants=[{"stock": 3}])
    sale = await featured_sale(container, product, await factory.marketer(), quantity=5)
    await web.sign_in((await factory.operator()).email)
    queue = await web.page("/operator/flash-sales")
    assert "Not enough stock: approving will fail" in queue.text

    refused = await web.form(f"/operator/flash-sales/{sale.id}/approve")

    assert refused.status_code == 303
    shown = await web.page("/operator/flash-sales")
    assert "Not approved: Not enough stock for this sale." in shown.text and f'id="sale-{sale.id}"' in shown.text
    assert (await container.flash_sales.get(sale.id)).status == "pending_approval"
    assert await sku_stock(container, sale) == 3


async def test_a_rejection_needs_a_reason_and_the_marketer_sees_it(web, factory, container):
    product = await factory.product(name="Bug-eyed tea", variants=[{"stock": 9}])
    marketer = await factory.marketer()
    sale = await featured_sale(container, product, marketer)
    await web.sign_in((await factory.operator()).email)

    for reason in ("", "no", "x" * 501):
        missing = await web.form(f"/operator/flash-sales/{sale.id}/reject", {"reason": reason})
        assert missing.status_code == 422 and "Tell the marketer why" in missing.text
    extra = await web.form(f"/operator/flash-sales/{sale.id}/reject", {"reason": "Too deep", "status": "scheduled"})
    assert extra.status_code == 422 and "does not accept the field" in extra.text
    assert (await container.flash_sales.get(sale.id)).status == "pending_approval"
    rejected = await web.form(
        f"/operator/flash-sales/{sale.id}/reject", {"reason": "Too deep a discount for launch week"}
    )
    assert rejected.status_code == 303
    assert (await container.flash_sales.get(sale.id)).reject_reason == "Too deep a discount for launch week"

    web.cookies.clear()
    web.csrf = None
    await web.sign_in(marketer.email)
    detail = await web.page(f"/marketing/flash-sales/{sale.id}")
    listed = await web.page("/marketing/flash-sales?state=rejected")
    for page in (detail, listed):
        assert 'data-state="rejected"' in page.text and "Too deep a discount for launch week" in page.text
    assert (await container.products.get(product.id)).variants[0].stock == 9


async def test_a_marketer_changes_and_cancels_a_pending_featured_sale(web, factory, container):
    product = await factory.product(variants=[{"stock": 9}])
    sale = await featured_sale(container, product, await factory.marketer(), quantity=4)
    await web.sign_in((await factory.marketer()).email)  # any marketer may look after any featured sale
    changed = await web.form(f"/marketing/flash-sales/{sale.id}/edit", edit_form(quantity="2", price="50"))
    assert changed.status_code == 303
    assert ((s := await container.flash_sales.get(sale.id)).quantity, s.price) == (2, 5000)
    cancelled = await web.form(f"/marketing/flash-sales/{sale.id}/cancel")
    assert cancelled.status_code == 303 and (await container.flash_sales.get(sale.id)).status == "cancelled"
    assert (await container.products.get(product.id)).variants[0].stock == 9


async def test_without_approval_a_featured_sale_runs_as_scheduled(web, factory, container):
    container.settings = container.settings.replace(flash_featured_approval=False)
    product = await factory.product(variants=[{"stock": 9}])
    await web.sign_in((await factory.marketer()).email)
    form = await web.page("/marketing/flash-sales/new")
    assert "Featured sales run as scheduled" in form.text and "Schedule flash sale" in form.text
    created = await web.form("/marketing/flash-sales", sale_form(product, quantity="3", window=NOW))
    assert created.status_code == 303
    assert 'data-state="running"' in (await web.page(created.headers["location"])).text
    assert (await container.products.get(product.id)).variants[0].stock == 6


async def test_shoppers_and_merchants_are_refused_the_marketing_and_approval_pages(web, factory, container):
    """SECURITY row 2: 403, and nothing is written."""
    product = await factory.product(variants=[{"stock": 9}])
    sale = await featured_sale(container, product, await factory.marketer())
    for who in (await factory.user(), await factory.merchant()):
        web.cookies.clear()
        web.csrf = None
        await web.sign_in(who.email)
        for path in ("/marketing", "/marketing/flash-sales", "/marketing/flash-sales/new", f"/marketing/flash-sales/{sale.id}",
                     "/operator/flash-sales", f"/live/alerts/flash-approval/{sale.id}"):  # fmt: skip
            assert (await web.page(path)).status_code == 403, path
        for path, data in (
            ("/marketing/flash-sales", sale_form(product)),
            (f"/marketing/flash-sales/{sale.id}/cancel", {}),
            (f"/operator/flash-sales/{sale.id}/approve", {}),
            (f"/operator/flash-sales/{sale.id}/reject", {"reason": "Because I can"}),
        ):
            assert (await web.form(path, data)).status_code == 403, path
        assert 'href="/marketing"' not in (await web.page("/")).text
    marketer = await factory.marketer()
    web.cookies.clear()
    web.csrf = None
    await web.sign_in(marketer.email)
    assert (await web.page("/operator/flash-sales")).status_code == 403  # a marketer does not approve
    assert (await web.form(f"/operator/flash-sales/{sale.id}/approve")).status_code == 403
    assert (await container.flash_sales.get(sale.id)).status == "pending_approval"
    assert await sale_count(container) == 1


async def test_approvals_need_the_csrf_token(web, factory, container):
    """SECURITY row 9."""
    sale = await featured_sale(container, await factory.product(variants=[{"stock": 9}]), await factory.marketer())
    await web.sign_in((await factory.operator()).email)
    assert (await web.post(f"/operator/flash-sales/{sale.id}/approve")).status_code == 403
    assert (await web.post(f"/operator/flash-sales/{sale.id}/reject", data={"reason": "No thanks"})).status_code == 403
    assert (await container.flash_sales.get(sale.id)).status == "pending_approval"


async def test_a_product_name_with_a_script_is_escaped_on_every_page(web, factory, container):
    """SECURITY row 8."""
    evil = "<script>alert('x')</script>Tea"
    shop = await factory.shop(name="<img src=x onerror=alert(1)>")
    product = await factory.product(shop_id=shop.id, name=evil, variants=[{"stock": 20}])
    sale = await featured_sale(container, product, await factory.marketer(), quantity=2)
    owner = await factory.owner_of(shop)
    pages = [
        (owner, ["/merchant/flash-sales", "/merchant/flash-sales/new", f"/merchant/flash-sales/{sale.id}"]),
        (await factory.marketer(), ["/marketing", "/marketing/flash-sales", "/marketing/flash-sales/new?q=tea",
                                    f"/marketing/flash-sales/{sale.id}", f"/marketing/flash-sales/{sale.id}/edit"]),
        (await factory.operator(), ["/operator/flash-sales", f"/live/alerts/flash-approval/{sale.id}"]),
    ]  # fmt: skip
    for who, paths in pages:
        web.cookies.clear()
        web.csrf = None
        await web.sign_in(who.email)
        for path in paths:
            page = await web.page(path)
            assert page.status_code == 200, path
            assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
            assert "&lt;script&gt;alert(" in page.text, path
