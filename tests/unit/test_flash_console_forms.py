"""The consoles' flash-sale form and chart geometry (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from mall.flash_sales.charts import donut, sparkline
from mall.flash_sales.forms import EDIT_FIELDS, blank_values, local_input, parse_sale_form, unknown_fields

SKU = f"{'a' * 24}.{'b' * 24}"


def form(**changes) -> dict:
    return {"sku": SKU, "price": "1,299.5", "quantity": "12", "per_user_limit": "2",
            "starts_at": "2026-11-24T21:00", "ends_at": "2026-11-25T01:30:00", **changes}  # fmt: skip


def test_times_are_read_in_the_platform_zone_and_kept_in_utc():
    typed, values, errors = parse_sale_form(form(), currency="TWD", timezone="Asia/Taipei")
    assert errors == {} and typed["price"] == "1,299.5"
    assert values == {
        "product_id": "a" * 24,
        "variant_id": "b" * 24,
        "price": 129950,
        "quantity": 12,
        "per_user_limit": 2,
        "starts_at": datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 11, 24, 17, 30, tzinfo=UTC),
    }
    assert local_input(values["starts_at"], "Asia/Taipei") == "2026-11-24T21:00"
    _typed, values, _errors = parse_sale_form(form(), currency="TWD", timezone="Europe/London")
    assert values["starts_at"] == datetime(2026, 11, 24, 21, 0, tzinfo=UTC)


def test_every_malformed_value_is_an_error_of_its_field():
    bad = {"sku": "a.b", "price": "NaN", "quantity": "1e3", "per_user_limit": "1001",
           "starts_at": "2026-11-24T21:00+08:00", "ends_at": "2026-13-01T00:00"}  # fmt: skip
    _typed, values, errors = parse_sale_form(form(**bad), currency="TWD", timezone="Asia/Taipei")
    assert set(errors) == set(bad) and values == {}
    for price in ("1e3", "+99", "Infinity", "٣٠٠"):  # Decimal would take each of these
        _typed, values, errors = parse_sale_form(form(price=price), currency="TWD", timezone="Asia/Taipei")
        assert set(errors) == {"price"} and "price" not in values, price
    _typed, _values, errors = parse_sale_form({}, currency="TWD", timezone="Asia/Taipei")
    assert set(errors) == {"sku", "price", "quantity", "per_user_limit", "starts_at", "ends_at"}


def test_the_edit_form_has_no_sku_and_the_form_is_closed():
    _typed, values, errors = parse_sale_form(form(), currency="TWD", timezone="Asia/Taipei", fields=EDIT_FIELDS)
    assert errors == {} and "product_id" not in values
    assert unknown_fields(["csrf_token", "sku", "shop_id", "featured"], EDIT_FIELDS) == ["featured", "shop_id", "sku"]


def test_a_new_form_starts_at_the_next_full_hour_for_two_hours():
    values = blank_values(datetime(2026, 11, 24, 12, 20, tzinfo=UTC), timezone="Asia/Taipei")
    assert (values["starts_at"], values["ends_at"]) == ("2026-11-24T21:00", "2026-11-24T23:00")


def test_the_donut_arcs_follow_each_other_clockwise_from_the_top():
    arcs = donut([("sold", 25), ("held", 25), ("remaining", 50), ("back", 0)])
    assert [round(a.share) for a in arcs] == [25, 25, 50, 0]
    assert [a.offset for a in arcs] == [25.0, 0.0, 75.0, 25.0]
    assert arcs[2].dash == "50.000 50.000"
    assert [a.share for a in donut([("sold", 0), ("held", 0)])] == [0.0, 0.0]


def test_the_sparkline_scales_into_its_box_with_y_upwards():
    spark = sparkline([(0, 0), (30, 5), (60, 10)], x_max=60, y_max=10, width=100, height=50, pad=0)
    assert spark.line == "0.0,50.0 50.0,25.0 100.0,0.0"
    assert spark.area == "0.0,50 0.0,50.0 50.0,25.0 100.0,0.0 100.0,50"
    assert spark.end == (100.0, 0.0)
    assert sparkline([(0, 0)], x_max=60, y_max=10) is None
