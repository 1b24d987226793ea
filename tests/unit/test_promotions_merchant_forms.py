"""The merchant's promotion forms as typed -> typed values (mall/promotions/merchant_forms.py): money in major
units, times in Taipei, closed forms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mall.promotions import merchant_forms as forms
from mall.promotions.models import CouponKind

ZONE = {"currency": "TWD", "timezone": "Asia/Taipei"}
WINDOW = {"starts_at": "2026-11-24T21:00", "ends_at": "2026-12-01T21:00"}
P1, P2, V1 = "a" * 24, "b" * 24, "c" * 24


@pytest.mark.parametrize(
    ("text", "minor"),
    [("300", 30000), ("299.50", 29950), ("1,500", 150000), ("0.01", 1), ("0", None), ("-300", None), ("3e2", None),
     ("29.999", None), ("1,50", None), ("NT$300", None), ("", None), ("10000000001", None), ("nan", None)],
)  # fmt: skip
def test_money_is_typed_in_major_units(text, minor):
    assert forms.money(text, "TWD") == minor


def test_zero_is_money_only_where_it_means_none():
    assert forms.money("0", "TWD", zero_ok=True) == 0 and forms.money("-1", "TWD", zero_ok=True) is None


def test_a_limited_time_discount_with_chosen_products_and_skus():
    parsed = forms.parse_limited(
        {"name": ["Weekend"], "product_ids": [P1, P2, P1], "variant_ids": [V1], "mode": ["percent"],
         "percent_off": ["15"], "fixed_price": [""], **{k: [v] for k, v in WINDOW.items()}},
        **ZONE,
    )  # fmt: skip
    assert parsed.errors == {}
    assert parsed.values == {
        "name": "Weekend", "product_ids": [P1, P2], "variant_ids": [V1], "percent_off": 15,
        "starts_at": datetime(2026, 11, 24, 13, tzinfo=UTC), "ends_at": datetime(2026, 12, 1, 13, tzinfo=UTC),
    }  # fmt: skip


def test_threshold_rows_left_empty_are_skipped_and_a_half_filled_row_is_an_error():
    params = {"name": "Tiers", "min_spend_1": "300", "off_kind_1": "amount", "off_1": "30", "min_spend_3": "800",
              "off_kind_3": "percent", "off_3": "10", "min_spend_4": "900", **WINDOW}  # fmt: skip
    parsed = forms.parse_threshold(params, **ZONE)
    assert parsed.values["tiers"] == [{"min_spend": 30000, "save": 3000}, {"min_spend": 80000, "percent": 10}]
    assert set(parsed.errors) == {"tier_4"} and parsed.values["free_shipping"] is False


def test_a_percent_coupon_keeps_its_cap_and_a_fixed_one_drops_it():
    base = {"name": "C", "code": "tea10", "min_spend": "", "total": "10", "per_user": "1", "delivery": "wallet",
            "amount": "50", "percent": "10", "cap": "200", **WINDOW}  # fmt: skip
    percent = forms.parse_coupon({**base, "mode": "percent"}, **ZONE)
    assert (percent.values["kind"], percent.values["value"], percent.values["cap"]) == ("percent", 10, 20000)
    assert CouponKind(percent.values["kind"]) is CouponKind.PERCENT and percent.values["code"] == "TEA10"
    fixed = forms.parse_coupon({**base, "mode": "fixed", "code": ""}, **ZONE)
    assert (fixed.values["value"], "cap" in fixed.values, fixed.values["code"]) == (5000, False, None)
    assert fixed.values["min_spend"] == 0 and fixed.values["claimable"] is True


def test_closed_forms_name_the_field_they_refuse():
    assert forms.refused_fields({"name": "x", "shop_id": "y"}, "threshold")[1] == "shop_id"
    assert forms.refused_fields({"name": ["x", "y"]}, "threshold")[1] == "name"
    assert forms.refused_fields({"product_ids": [P1, P2], "csrf_token": "t"}, "entries") is None


def test_the_services_fields_land_next_to_the_form_fields():
    assert forms.field_for("coupon", "value", {"mode": "percent"}) == "percent"
    assert forms.field_for("coupon", "value", {"mode": "fixed"}) == "amount"
    assert forms.field_for("limited", "variant_ids", {}) == "product_ids"
    assert forms.field_for("threshold", "ends_at", {}) == "ends_at"
    assert forms.field_for("coupon", "scope", {}) == "form" and forms.field_for("limited", None, {}) == "form"
