"""Names and emails as typed (SECURITY row 25): control, bidi-override and invisible characters never reach a
stored name; emails have one spelling, and a look-alike that mixes alphabets is refused."""

from __future__ import annotations

import pytest

from mall.accounts.models import email_problem, normalize_email
from mall.accounts.schemas import RegisterIn
from mall.catalog.schemas import CategoryNameForm, NameIn, VariantIn
from mall.infra.text import _clean_if_text, clean_name
from mall.orders.schemas import AddressIn
from mall.promotions import merchant_forms
from mall.promotions.schemas import CampaignIn, CouponIn, ShopPromotionIn
from mall.shops.schemas import ApplyForm

CYRILLIC_O = "\u043e"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Amy\x00 Lee", "Amy Lee"),
        ("\u202egpj.exe", "gpj.exe"),  # a right-to-left override would show "exe.jpg"
        ("Tea\u2066 House\u2069", "Tea House"),
        ("\ufeffzero\u200bwidth\u2060", "zerowidth"),
        ("  two\t\tlines\nhere  ", "two lines here"),
        ("王\u3000小明", "王 小明"),
        ("e\u0301clair", "\u00e9clair"),  # composed, as people see it
        ("lone\ud800surrogate", "lonesurrogate"),
        ("\U0001f469\u200d\U0001f4bb dev", "\U0001f469\u200d\U0001f4bb dev"),  # emoji joiners stay
        ("凍頂烏龍茶 150g", "凍頂烏龍茶 150g"),
        ("\x00\u202e\u200b", ""),
    ],
)
def test_a_typed_name_keeps_what_people_see_and_nothing_else(typed, kept):
    assert clean_name(typed) == kept


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (RegisterIn, "name"),
        (ApplyForm, "name"),
        (AddressIn, "name"),
        (NameIn, "en"),
        (NameIn, "zh_Hant"),
        (CategoryNameForm, "name_en"),
        (CategoryNameForm, "name_zh_Hant"),
        (CouponIn, "name"),
        (ShopPromotionIn, "name"),
        (CampaignIn, "name"),
    ],
)
def test_every_name_field_of_the_api_and_forms_is_cleaned_before_its_limits_are_checked(model, field):
    assert any(getattr(m, "func", None) is _clean_if_text for m in model.model_fields[field].metadata)


def test_variant_option_names_and_values_are_cleaned():
    variant = VariantIn.model_validate({"sku": "A-1", "options": {"size\x00": "L\u202e"}, "price": 1, "stock": 0})
    assert variant.options == {"size": "L"}


def test_promotion_forms_clean_the_name():
    parsed = merchant_forms.parse_limited(
        {"name": ["\u202eWeekend\x00"], "product_ids": ["a" * 24], "mode": ["percent"], "percent_off": ["15"],
         "starts_at": ["2026-11-24T21:00"], "ends_at": ["2026-12-01T21:00"]},
        currency="TWD", timezone="Asia/Taipei",
    )  # fmt: skip
    assert parsed.values["name"] == "Weekend"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Amy@Example.TEST ", "amy@example.test"),
        ("\uff53\uff48\uff4f\uff50\uff20\uff58\uff59\uff5a\uff0e\uff54\uff57", "shop@xyz.tw"),  # full-width
    ],
)
def test_an_email_has_one_spelling(typed, stored):
    assert normalize_email(typed) == stored


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("shopper@demo.mall", None),
        ("тест@пример.рф", None),  # one alphabet per part is a real address
        ("王小明@example.tw", None),
        (f"sh{CYRILLIC_O}pper@demo.mall", "mixed_scripts"),
        (f"shopper@dem{CYRILLIC_O}.mall", "mixed_scripts"),
        ("shop\x00per@demo.mall", "hidden"),
        ("shop\u202eper@demo.mall", "hidden"),
    ],
)
def test_a_look_alike_email_is_refused(email, problem):
    assert email_problem(normalize_email(email)) == problem
