"""What the merchant's promotions pages withstand (SECURITY rows 1, 2, 3, 8 and 9): another shop's promotions,
coupons, products and entries are a 404 and nothing is written; shoppers and guests are kept out; forms are
closed; every POST needs the CSRF token; names and codes are escaped everywhere."""

from __future__ import annotations

import pytest

from mall.promotions import services as promotions
from mall.promotions.models import Scope
from tests.integration.promo_helpers import campaign, coupon, limited, threshold
from tests.integration.promo_merchant_helpers import (
    counts,
    coupon_form,
    limited_form,
    signed_in_merchant,
    threshold_form,
)

PAGES = (
    "/merchant/promotions",
    "/merchant/promotions/limited/new",
    "/merchant/promotions/threshold/new",
    "/merchant/promotions/coupons/new",
    "/merchant/promotions/funding",
    "/merchant/campaigns",
)


async def theirs(c, factory):
    """Another shop with a product, a live threshold, a live limited-time discount, a coupon and a campaign entry."""
    product = await factory.stocked_product(name="Their tea")
    tiers = await threshold(c, product.shop_id)
    cheaper = await limited(c, product, percent_off=20)
    code = await coupon(c, scope=Scope.SHOP, shop_id=product.shop_id, code="THEIRS", value=5000, min_spend=30000)
    joint = await campaign(c, products=[product])
    return product, tiers, cheaper, code, joint


async def test_a_merchant_cannot_see_pause_resume_or_stop_another_shops_promotions_or_coupons(web, factory, container):
    product, tiers, cheaper, code, _joint = await theirs(container, factory)
    await signed_in_merchant(web, factory)
    page = await web.page("/merchant/promotions")
    assert tiers.id not in page.text and cheaper.id not in page.text and "THEIRS" not in page.text
    for action in ("pause", "resume", "stop"):
        for path in (f"/merchant/promotions/{tiers.id}/{action}", f"/merchant/promotions/{cheaper.id}/{action}",
                     f"/merchant/promotions/coupons/{code.id}/{action}"):  # fmt: skip
            assert (await web.form(path)).status_code == 404, path
    for path in ("/merchant/promotions/nonsense/pause", f"/merchant/promotions/{tiers.id}/delete"):
        assert (await web.form(path)).status_code == 404, path
    assert (await promotions.shop_promotion(container, product.shop_id, tiers.id)).control == "active"
    assert (await promotions.shop_promotion(container, product.shop_id, cheaper.id)).control == "active"
    assert (await container.promotions.coupon(code.id)).control == "active"


async def test_another_shops_products_cannot_be_discounted_entered_or_even_listed(web, factory, container):
    product, _tiers, _cheaper, _code, joint = await theirs(container, factory)
    _shop, mine = await signed_in_merchant(web, factory)
    before = await counts(container)
    picker = await web.page(f"/merchant/promotions/limited/new?find=tea&product_ids={product.id}")
    assert "Their tea" not in picker.text and f'value="{product.id}"' not in picker.text
    for form in (limited_form(product), limited_form(mine, product)):
        refused = await web.form("/merchant/promotions/limited", form)
        assert refused.status_code == 404 and 'id="e-product_ids">Choose products of your own shop.' in refused.text
    alien_sku = await web.form("/merchant/promotions/limited", limited_form(mine, variants=[product.variants[0].id]))
    assert alien_sku.status_code == 422 and 'id="e-product_ids">Choose SKUs of the chosen products.' in alien_sku.text

    entered = await web.form(f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [product.id]})
    assert entered.status_code == 404 and "Choose products of your own shop." in entered.text
    campaign_page = await web.page(f"/merchant/campaigns/{joint.id}?find=tea&product_ids={product.id}")
    assert "Their tea" not in campaign_page.text
    assert await counts(container) == before


async def test_a_merchant_cannot_see_or_withdraw_another_shops_entry(web, factory, container):
    product, _tiers, _cheaper, _code, joint = await theirs(container, factory)
    await signed_in_merchant(web, factory)
    assert "Their tea" not in (await web.page("/merchant/campaigns")).text
    assert "Their tea" not in (await web.page(f"/merchant/campaigns/{joint.id}")).text
    withdrawn = await web.form(f"/merchant/campaigns/{joint.id}/entries/{product.id}/withdraw")
    assert withdrawn.status_code == 404
    (entry,) = await promotions.entries(container, campaign_id=joint.id)
    assert entry.status == "approved"
    for path in (
        f"/merchant/campaigns/{joint.id}/entries/not-an-id/withdraw",
        "/merchant/campaigns/x/entries/y/withdraw",
    ):
        assert (await web.form(path)).status_code == 404
    assert (await web.page("/merchant/campaigns/6b0fca5e0000000000000000")).status_code == 404
    assert (await web.page("/merchant/campaigns/not-an-id")).status_code == 404


async def test_shoppers_are_refused_and_guests_sent_to_sign_in(web, factory, container):
    """SECURITY row 2: merchant routes deny everyone else."""
    _product, tiers, _cheaper, code, joint = await theirs(container, factory)
    for path in PAGES:
        guest = await web.page(path)
        assert guest.status_code == 302 and guest.headers["location"].startswith("/login?next="), path
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    for path in (*PAGES, f"/merchant/campaigns/{joint.id}"):
        assert (await web.page(path)).status_code == 403, path
    for path, data in (
        ("/merchant/promotions/limited", limited_form(_product)),
        ("/merchant/promotions/threshold", threshold_form()),
        ("/merchant/promotions/coupons", coupon_form()),
        (f"/merchant/promotions/{tiers.id}/stop", {}),
        (f"/merchant/promotions/coupons/{code.id}/stop", {}),
        (f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [_product.id]}),
        (f"/merchant/campaigns/{joint.id}/entries/{_product.id}/withdraw", {}),
    ):
        assert (await web.form(path, data)).status_code == 403, path
    assert (await promotions.shop_promotion(container, tiers.shop_id, tiers.id)).control == "active"
    assert (await promotions.entries(container, campaign_id=joint.id))[0].status == "approved"


async def test_every_post_needs_the_csrf_token(web, factory, container):
    """SECURITY row 9."""
    shop, mine = await signed_in_merchant(web, factory)
    tiers = await threshold(container, shop.id)
    code = await coupon(container, scope=Scope.SHOP, shop_id=shop.id, code="MINE50", value=5000, min_spend=30000)
    joint = await campaign(container, products=[mine])
    before = await counts(container)
    for path, data in (
        ("/merchant/promotions/limited", limited_form(mine)),
        ("/merchant/promotions/threshold", threshold_form()),
        ("/merchant/promotions/coupons", coupon_form()),
        (f"/merchant/promotions/{tiers.id}/stop", {}),
        (f"/merchant/promotions/coupons/{code.id}/stop", {}),
        (f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [mine.id]}),
        (f"/merchant/campaigns/{joint.id}/entries/{mine.id}/withdraw", {}),
    ):
        assert (await web.post(path, data=data)).status_code == 403, path
        assert (await web.post(path, data={**data, "csrf_token": "forged"})).status_code == 403, path
    assert await counts(container) == before
    assert (await promotions.shop_promotion(container, shop.id, tiers.id)).control == "active"
    assert (await container.promotions.coupon(code.id)).control == "active"
    assert (await promotions.entries(container, campaign_id=joint.id))[0].status == "approved"


TAMPERING = [
    {"shop_id": "6b0fca5e0000000000000000"},
    {"kind": "spend_threshold"},
    {"status": "live"},
    {"control": "active"},
    {"scope": "platform"},
    {"created_by": "someone"},
    {"used": "0"},
]


@pytest.mark.parametrize("extra", TAMPERING)
async def test_fields_the_forms_do_not_have_are_refused_and_nothing_is_written(web, factory, container, extra):
    """SECURITY row 3: mass assignment."""
    shop, mine = await signed_in_merchant(web, factory)
    tiers = await threshold(container, shop.id)
    joint = await campaign(container)
    before = await counts(container)
    for path, data in (
        ("/merchant/promotions/limited", limited_form(mine)),
        ("/merchant/promotions/threshold", threshold_form()),
        ("/merchant/promotions/coupons", coupon_form()),
        (f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [mine.id]}),
    ):
        response = await web.form(path, {**data, **extra})
        assert response.status_code == 422, path
        assert f"This form does not accept the field “{next(iter(extra))}”." in response.text, path
    stopped = await web.form(f"/merchant/promotions/{tiers.id}/stop", extra)
    assert stopped.status_code == 422 and "This form does not accept the field" in stopped.text
    assert await counts(container) == before
    assert (await promotions.shop_promotion(container, shop.id, tiers.id)).control == "active"


async def test_a_single_field_sent_twice_is_refused(web, factory, container):
    _shop, mine = await signed_in_merchant(web, factory)
    twice = await web.form("/merchant/promotions/limited", limited_form(mine) | {"percent_off": ["10", "90"]})
    assert twice.status_code == 422 and "The field “percent_off” was sent more than once." in twice.text
    names = await web.form("/merchant/promotions/coupons", coupon_form() | {"code": ["A1B2C3", "D4E5F6"]})
    assert names.status_code == 422 and await counts(container) == (0, 0, 0)


SCRIPT = "<script>alert(1)</script>"


async def test_names_codes_themes_and_reasons_are_escaped_everywhere(web, factory, container):
    """SECURITY row 8."""
    shop, mine = await signed_in_merchant(web, factory, name=f"Tea {SCRIPT}")
    made = await web.form("/merchant/promotions/threshold", threshold_form(name=f"Sale {SCRIPT}"))
    assert made.status_code == 303
    await coupon(container, scope=Scope.SHOP, shop_id=shop.id, code="SAFE50", value=5000, min_spend=30000)
    await limited(container, mine, percent_off=10)
    joint = await promotions.create_campaign(
        container, actor_id="marketer", name=f"Joint {SCRIPT}", theme=f"Theme {SCRIPT}",
        starts_at=container.clock.now(), ends_at=container.clock.now().replace(year=2027), platform_share_percent=50,
        percent_off=10,
    )  # fmt: skip
    (entry,) = await promotions.enter_products(container, shop_id=shop.id, campaign_id=joint.id, product_ids=[mine.id])
    await promotions.decide_entry(container, operator_id="op", entry_id=entry.id, approve=False, reason=f"No {SCRIPT}")
    bad_code = await web.form("/merchant/promotions/coupons", coupon_form(code=SCRIPT, name=SCRIPT))
    assert bad_code.status_code == 422 and "A code has 3 to 32 letters" in bad_code.text
    pages = [bad_code.text]
    for path in (
        "/merchant/promotions",
        "/merchant/promotions/limited/new?find=tea",
        "/merchant/campaigns",
        f"/merchant/campaigns/{joint.id}",
        "/merchant/promotions/funding",
    ):
        pages.append((await web.page(path)).text)
    for text in pages:
        assert SCRIPT not in text and "<script>alert" not in text
    assert "Sale &lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in pages[0]
    assert "Tea &lt;script&gt;" in pages[2] and "Joint &lt;script&gt;" in pages[3] and "No &lt;script&gt;" in pages[4]
    assert "Theme &lt;script&gt;" in pages[4]
