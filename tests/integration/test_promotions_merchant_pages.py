"""The merchant's promotions page: the shop's limited-time discounts, spend thresholds and coupons, made with the
console's forms and paused, resumed or stopped there (SECURITY rows 3, 4 and 8; 1, 2 and 9 are in
test_promotions_merchant_security.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mall.promotions import services as promotions
from mall.promotions.models import CouponKind, Scope
from mall.web import i18n
from tests.integration.promo_helpers import coupon, threshold
from tests.integration.promo_merchant_helpers import (
    NOW,
    counts,
    coupon_form,
    limited_form,
    signed_in_merchant,
    threshold_form,
)


async def test_the_page_is_in_the_console_nav_and_says_what_to_do_when_empty(web, factory):
    await signed_in_merchant(web, factory)
    page = await web.page("/merchant/promotions")
    assert page.status_code == 200
    assert '<a href="/merchant/promotions" aria-current="page">Promotions</a>' in page.text
    for empty in ("No limited-time discounts yet.", "No spend thresholds yet.", "No shop coupons yet."):
        assert empty in page.text
    for new in (
        "/merchant/promotions/limited/new",
        "/merchant/promotions/threshold/new",
        "/merchant/promotions/coupons/new",
    ):
        assert f'href="{new}"' in page.text


async def test_a_limited_time_discount_on_some_skus_of_one_product_and_every_sku_of_another(web, factory, container):
    shop, oolong = await signed_in_merchant(web, factory)
    cups = await factory.stocked_product(shop=shop, name="Celadon cups", price=36000)
    created = await web.form(
        "/merchant/promotions/limited", limited_form(oolong, cups, variants=[oolong.variants[1].id], percent="10")
    )

    assert created.status_code == 303
    (stored,) = await promotions.shop_promotions(container, shop.id)
    assert created.headers["location"] == f"/merchant/promotions#limited-{stored.id}"
    assert stored.variant_ids == [oolong.variants[1].id, cups.variants[0].id]
    assert (stored.percent_off, stored.fixed_price, stored.shop_id) == (10, None, shop.id)
    assert (stored.starts_at, stored.ends_at) == (
        datetime(2026, 11, 24, 13, tzinfo=UTC),
        datetime(2026, 12, 1, 13, tzinfo=UTC),
    )
    page = await web.page("/merchant/promotions")
    assert "“Weekend tea sale” starts in 1 hour." in page.text
    item = page.text.split(f'id="limited-{stored.id}"')[1].split("</li>")[0]
    assert 'data-state="scheduled">Upcoming' in item and '<p class="pm-rule">10% off</p>' in item
    assert "On 2 SKUs" in item and "Lishan oolong (150 g)" in item and "Celadon cups" in item
    assert "Tue, Nov 24 21:00 –" in item and "Tue, Dec 1 21:00" in item  # Taipei time


async def test_a_fixed_price_running_now_and_the_chinese_wording(web, factory, container):
    shop, oolong = await signed_in_merchant(web, factory)
    created = await web.form(
        "/merchant/promotions/limited", limited_form(oolong, mode="fixed", fixed="199", percent="", window=NOW)
    )
    assert created.status_code == 303
    (stored,) = await promotions.shop_promotions(container, shop.id)
    assert (stored.fixed_price, stored.percent_off, len(stored.variant_ids)) == (19900, None, 3)
    page = await web.page("/merchant/promotions")
    assert "“Weekend tea sale” is live now." in page.text
    assert 'data-state="live">Live' in page.text and "Fixed price NT$199" in page.text
    await promotions.create_limited_time(
        container, shop_id=shop.id, actor_id="m", name="九折", product_ids=[oolong.id], percent_off=10,
        starts_at=stored.starts_at, ends_at=stored.ends_at,
    )  # fmt: skip
    await web.form("/lang", {"lang": "zh_Hant", "next": "/merchant/promotions"})
    chinese = await web.page("/merchant/promotions")
    assert '<p class="pm-rule">9 折</p>' in chinese.text


@pytest.mark.parametrize(("percent", "words"), [(10, "9 折"), (15, "85 折"), (50, "5 折"), (95, "0.5 折")])
def test_a_percentage_off_reads_as_tenths_of_the_price_in_chinese(percent, words):
    from mall.promotions.routes.merchant_views import off

    i18n.set_locale("zh_Hant")
    try:
        assert off(percent) == words
    finally:
        i18n.set_locale("en")
    assert off(percent) == f"{percent}% off"


async def test_a_spend_threshold_with_tiers_in_money_and_percent_and_free_shipping(web, factory, container):
    shop, _oolong = await signed_in_merchant(web, factory)
    form = threshold_form(("300", "amount", "30"), ("800", "percent", "10"), ("1,500", "amount", "200"),
                          free_shipping=True)  # fmt: skip
    created = await web.form("/merchant/promotions/threshold", form)

    assert created.status_code == 303
    (stored,) = await promotions.shop_promotions(container, shop.id)
    assert stored.tiers == [
        {"min_spend": 30000, "save": 3000, "percent": None},
        {"min_spend": 80000, "save": None, "percent": 10},
        {"min_spend": 150000, "save": 20000, "percent": None},
    ]
    assert stored.free_shipping is True
    page = await web.page("/merchant/promotions")
    for words in ("Spend NT$300, save NT$30", "Spend NT$800, get 10% off", "Spend NT$1,500, save NT$200"):
        assert f'<li class="pm-rule">{words}</li>' in page.text
    assert "Free shipping" in page.text
    await web.form("/lang", {"lang": "zh_Hant", "next": "/merchant/promotions"})
    chinese = await web.page("/merchant/promotions")
    assert "9 折" in chinese.text  # 10% off over NT$800


async def test_a_shop_coupon_with_a_drawn_code_a_cap_and_its_uses(web, factory, container):
    shop, _oolong = await signed_in_merchant(web, factory)
    form = coupon_form(code="", mode="percent", amount="", percent="12", cap="150", min_spend="", total="40",
                       per_user="2", delivery="wallet")  # fmt: skip
    created = await web.form("/merchant/promotions/coupons", form)

    assert created.status_code == 303
    (stored,) = await promotions.coupons_of(container, scope=Scope.SHOP, shop_id=shop.id)
    assert len(stored.code) == 8 and stored.code.isalnum() and stored.code.isupper()
    assert (stored.kind, stored.value, stored.cap, stored.min_spend) == (CouponKind.PERCENT, 12, 15000, 0)
    assert (stored.total, stored.per_user, stored.claimable, stored.shop_id) == (40, 2, True, shop.id)
    for n in range(3):
        assert await promotions.take_use(container, stored.id, f"shopper-{n}", f"move-{n}")
    page = await web.page("/merchant/promotions")
    item = page.text.split(f'id="coupon-{stored.id}"')[1].split("</li>")[0]
    assert f'<code class="pm-code">{stored.code}</code>' in item and "12% off, at most NT$150" in item
    assert "no minimum spend" in item and "3 of 40 used" in item and "2 uses per shopper" in item
    assert "0 claimed into wallets" in item


async def test_a_fixed_coupon_by_code_reads_like_a_coupon(web, factory, container):
    shop, _oolong = await signed_in_merchant(web, factory)
    assert (await web.form("/merchant/promotions/coupons", coupon_form(code="thanks50"))).status_code == 303
    (stored,) = await promotions.coupons_of(container, scope=Scope.SHOP, shop_id=shop.id)
    assert (stored.code, stored.kind, stored.value, stored.min_spend, stored.cap) == (
        "THANKS50",
        CouponKind.FIXED,
        5000,
        30000,
        None,
    )
    page = await web.page("/merchant/promotions")
    assert '<p class="pm-rule">−NT$50</p>' in page.text and "min. spend NT$300" in page.text
    assert "0 of 100 used · 1 use per shopper · by code only" in page.text


async def test_pause_resume_and_stop_for_good(web, factory, container):
    shop, _oolong = await signed_in_merchant(web, factory)
    tiers = await threshold(container, shop.id)
    code = await coupon(container, scope=Scope.SHOP, shop_id=shop.id, code="SHOP50", value=5000, min_spend=30000)
    page = await web.page("/merchant/promotions")
    assert f'action="/merchant/promotions/{tiers.id}/stop" data-confirm="Stop “滿額折” for good?' in page.text
    assert f'action="/merchant/promotions/coupons/{code.id}/stop" data-confirm="Stop “SHOP50” for good?' in page.text

    paused = await web.form(f"/merchant/promotions/{tiers.id}/pause")
    assert paused.status_code == 303 and paused.headers["location"] == f"/merchant/promotions#threshold-{tiers.id}"
    assert (await promotions.shop_promotion(container, shop.id, tiers.id)).control == "paused"
    page = await web.page("/merchant/promotions")
    assert "Paused: shoppers no longer get it until you resume it." in page.text
    assert f'action="/merchant/promotions/{tiers.id}/resume"' in page.text
    assert f'action="/merchant/promotions/{tiers.id}/pause"' not in page.text
    again = await web.form(f"/merchant/promotions/{tiers.id}/pause")
    assert again.status_code == 303 and "Only a live or upcoming one can be paused." in (await web.page("/")).text

    await web.form(f"/merchant/promotions/{tiers.id}/resume")
    assert (await promotions.shop_promotion(container, shop.id, tiers.id)).control == "active"
    await web.form(f"/merchant/promotions/{tiers.id}/stop")
    await web.form(f"/merchant/promotions/coupons/{code.id}/pause")
    assert (await container.promotions.coupon(code.id)).control == "paused"
    await web.form(f"/merchant/promotions/coupons/{code.id}/stop")
    page = await web.page("/merchant/promotions")
    assert page.text.count('data-state="stopped">Stopped') == 2
    assert f"/merchant/promotions/{tiers.id}/" not in page.text and f"/coupons/{code.id}/" not in page.text
    refused = await web.form(f"/merchant/promotions/{tiers.id}/resume")
    assert refused.status_code == 303
    assert "It was stopped for good and cannot change any more." in (await web.page("/")).text
    assert (await promotions.shop_promotion(container, shop.id, tiers.id)).control == "stopped"
    assert (await container.promotions.coupon(code.id)).control == "stopped"


async def test_an_ended_promotion_offers_no_buttons_and_refuses_them(web, factory, container):
    shop, _oolong = await signed_in_merchant(web, factory)
    tiers = await threshold(container, shop.id)
    container.clock.advance(hours=2)
    page = await web.page("/merchant/promotions")
    assert 'data-state="ended">Ended' in page.text and f"/merchant/promotions/{tiers.id}/" not in page.text
    await web.form(f"/merchant/promotions/{tiers.id}/pause")
    assert "Only a live or upcoming one can be paused." in (await web.page("/")).text
    assert (await promotions.shop_promotion(container, shop.id, tiers.id)).control == "active"


async def test_the_picker_lists_the_shops_products_and_keeps_what_is_ticked(web, factory):
    shop, oolong = await signed_in_merchant(web, factory)
    jasmine = await factory.stocked_product(shop=shop, name="Jasmine pearls")
    fragment = await web.page(
        f"/merchant/promotions/limited/new?find=jasmine&product_ids={oolong.id}&variant_ids={oolong.variants[2].id}",
        headers={"HX-Request": "true"},
    )
    assert fragment.text.lstrip().startswith('<ul class="pm-picks">')
    assert f'value="{oolong.id}" checked' in fragment.text and f'value="{jasmine.id}">' in fragment.text
    assert f'value="{oolong.variants[2].id}" checked' in fragment.text
    assert fragment.text.index("Lishan oolong") < fragment.text.index("Jasmine pearls")
    nothing = await web.page("/merchant/promotions/limited/new?find=earl+grey", headers={"HX-Request": "true"})
    assert "No listed product matches “earl grey”." in nothing.text


async def test_what_was_typed_stays_when_the_services_refuse_it(web, factory, container):
    _shop, oolong = await signed_in_merchant(web, factory)
    backwards = await web.form(
        "/merchant/promotions/limited", limited_form(oolong, window=("2026-11-25T21:00", "2026-11-25T20:00"))
    )
    assert backwards.status_code == 422 and 'id="e-ends_at">It must end after it starts.' in backwards.text
    assert 'value="Weekend tea sale"' in backwards.text and f'value="{oolong.id}" checked' in backwards.text
    falling = await web.form(
        "/merchant/promotions/threshold", threshold_form(("500", "amount", "50"), ("300", "amount", "30"))
    )
    assert falling.status_code == 422
    assert 'id="e-tiers">Each tier needs a higher minimum spend than the one before.' in falling.text
    big = await web.form("/merchant/promotions/coupons", coupon_form(amount="300", min_spend="300"))
    assert big.status_code == 422 and 'id="e-amount">A coupon must save less than its minimum spend.' in big.text
    assert (await web.form("/merchant/promotions/coupons", coupon_form(code="TAKEN"))).status_code == 303
    taken = await web.form("/merchant/promotions/coupons", coupon_form(code="taken"))
    assert taken.status_code == 409 and 'id="e-code">That code is taken. Choose another.' in taken.text
    assert await counts(container) == (0, 1, 0)


LIMITED_BAD = [
    ({"percent_off": "0"}, "percent_off", "Enter a whole percentage from 1 to 99."),
    ({"percent_off": "-5"}, "percent_off", "Enter a whole percentage from 1 to 99."),
    ({"percent_off": "100"}, "percent_off", "Enter a whole percentage from 1 to 99."),
    ({"percent_off": "12.5"}, "percent_off", "Enter a whole percentage from 1 to 99."),
    ({"percent_off": "half"}, "percent_off", "Enter a whole percentage from 1 to 99."),
    ({"mode": "fixed", "fixed_price": "0"}, "fixed_price", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "fixed", "fixed_price": "-199"}, "fixed_price", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "fixed", "fixed_price": "1e30"}, "fixed_price", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "fixed", "fixed_price": "199.999"}, "fixed_price", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "fixed", "fixed_price": "cheap"}, "fixed_price", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "free"}, "mode", "Choose a percentage off or a fixed price."),
    ({"name": ""}, "name", "Give it a name of up to 60 characters."),
    ({"name": "x" * 61}, "name", "Give it a name of up to 60 characters."),
    ({"product_ids": []}, "product_ids", "Choose at least one product of your shop."),
    ({"product_ids": ["not-an-id"]}, "product_ids", "Choose at least one product of your shop."),
    ({"starts_at": "soon"}, "starts_at", "Enter the date and time it starts."),
    ({"ends_at": "2026-02-30T10:00"}, "ends_at", "Enter the date and time it ends."),
]


@pytest.mark.parametrize(("change", "field", "message"), LIMITED_BAD)
async def test_bad_limited_time_input_is_a_422_next_to_its_field_and_nothing_is_written(
    web, factory, container, change, field, message
):
    _shop, oolong = await signed_in_merchant(web, factory)
    response = await web.form("/merchant/promotions/limited", limited_form(oolong) | change)
    assert response.status_code == 422
    assert f'id="e-{field}">{message}' in response.text
    assert await counts(container) == (0, 0, 0)


THRESHOLD_BAD = [
    ((("0", "amount", "30"),), "tier_1"),
    ((("-300", "amount", "30"),), "tier_1"),
    ((("300", "amount", "0"),), "tier_1"),
    ((("300", "amount", "-30"),), "tier_1"),
    ((("300", "amount", "30.001"),), "tier_1"),
    ((("99999999999999", "amount", "30"),), "tier_1"),
    ((("300", "percent", "10.5"),), "tier_1"),
    ((("300", "percent", "100"),), "tier_1"),
    ((("three hundred", "amount", "30"),), "tier_1"),
    ((("300", "amount", ""),), "tier_1"),
    ((("300", "both", "30"),), "tier_1"),
    ((("300", "amount", "30"), ("", "amount", "50")), "tier_2"),
]


@pytest.mark.parametrize(("tiers", "field"), THRESHOLD_BAD)
async def test_bad_tiers_are_a_422_on_their_row_and_nothing_is_written(web, factory, container, tiers, field):
    await signed_in_merchant(web, factory)
    response = await web.form("/merchant/promotions/threshold", threshold_form(*tiers))
    assert response.status_code == 422
    assert f'id="e-{field}">Give the row a minimum spend above zero and a saving' in response.text
    assert await counts(container) == (0, 0, 0)


async def test_a_threshold_needs_a_tier_and_a_plain_checkbox(web, factory, container):
    await signed_in_merchant(web, factory)
    empty = threshold_form(("", "amount", ""))
    response = await web.form("/merchant/promotions/threshold", empty)
    assert response.status_code == 422 and 'id="e-tiers">Give at least one tier.' in response.text
    odd = await web.form("/merchant/promotions/threshold", threshold_form() | {"free_shipping": "yes"})
    assert odd.status_code == 422 and 'id="e-free_shipping">Tick the box or leave it empty.' in odd.text
    assert await counts(container) == (0, 0, 0)


COUPON_BAD = [
    ({"amount": "0"}, "amount", "Enter an amount above zero, such as 300 or 299.50."),
    ({"amount": "-50"}, "amount", "Enter an amount above zero, such as 300 or 299.50."),
    ({"amount": "50.123"}, "amount", "Enter an amount above zero, such as 300 or 299.50."),
    ({"amount": "10000000000000"}, "amount", "Enter an amount above zero, such as 300 or 299.50."),
    ({"amount": "fifty"}, "amount", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "percent", "percent": "0"}, "percent", "Enter a whole percentage from 1 to 99."),
    ({"mode": "percent", "percent": "7.5"}, "percent", "Enter a whole percentage from 1 to 99."),
    ({"mode": "percent", "percent": "10", "cap": "0"}, "cap", "Enter an amount above zero, such as 300 or 299.50."),
    ({"mode": "percent", "percent": "10", "cap": "-1"}, "cap", "Enter an amount above zero, such as 300 or 299.50."),
    ({"min_spend": "-300"}, "min_spend", "Enter an amount of zero or more, such as 300 or 299.50."),
    ({"min_spend": "3e2"}, "min_spend", "Enter an amount of zero or more, such as 300 or 299.50."),
    ({"total": "0"}, "total", "Enter a whole number from 1 to 10,000,000."),
    ({"total": "2.5"}, "total", "Enter a whole number from 1 to 10,000,000."),
    ({"total": "99999999999"}, "total", "Enter a whole number from 1 to 10,000,000."),
    ({"total": "many"}, "total", "Enter a whole number from 1 to 10,000,000."),
    ({"per_user": "0"}, "per_user", "Enter a whole number from 1 to 100."),
    ({"per_user": "-1"}, "per_user", "Enter a whole number from 1 to 100."),
    ({"per_user": "101"}, "per_user", "Enter a whole number from 1 to 100."),
    ({"mode": "free"}, "mode", "Choose a fixed amount or a percentage off."),
    ({"delivery": "email"}, "delivery", "Choose how shoppers get the coupon."),
    ({"code": "no spaces"}, "code", "A code has 3 to 32 letters, digits, - or _."),
]


@pytest.mark.parametrize(("change", "field", "message"), COUPON_BAD)
async def test_bad_coupon_input_is_a_422_next_to_its_field_and_nothing_is_written(
    web, factory, container, change, field, message
):
    await signed_in_merchant(web, factory)
    response = await web.form("/merchant/promotions/coupons", coupon_form() | change)
    assert response.status_code == 422
    assert f'id="e-{field}">{message}' in response.text
    assert await counts(container) == (0, 0, 0)
