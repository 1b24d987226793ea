"""Shop rules that need no database: addresses, categories, request models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from mall.shops.models import SHOP_CATEGORIES, Shop, ShopStatus, category_label, slug_problem
from mall.shops.schemas import ApplyForm, OperatorShopsQuery, ProfileForm, ShopListQuery


@pytest.mark.parametrize("slug", ["abc", "mountain-tea", "3c-shop", "a1-b2-c3", "x" * 40])
def test_good_slugs(slug):
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    "slug", ["ab", "-abc", "abc-", "Abc", "a_b", "a b", "x" * 41, "茶行", "api", "operator", "admin"]
)
def test_bad_or_reserved_slugs(slug):
    assert slug_problem(slug) is not None


def test_every_category_has_both_languages():
    assert [key for key, _ in SHOP_CATEGORIES] == [
        "tea", "electronics", "clothing", "books", "home", "food", "beauty", "other",
    ]  # fmt: skip
    assert all(set(labels) == {"en", "zh_Hant"} for _, labels in SHOP_CATEGORIES)
    assert category_label("electronics", "zh_Hant") == "3C 電子"
    assert category_label("gone", "en") == "Other"


def test_a_shop_survives_a_round_trip_through_its_document():
    shop = Shop(
        id="0" * 24, slug="tea", name="<b>Tea</b>", category="tea", description="", contact_email="a@b.co",
        contact_phone="", owner_id="1" * 24, status=ShopStatus.PENDING, created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    doc = shop.to_doc()
    assert doc["_id"] == shop.id and doc["status"] == "pending" and "id" not in doc
    assert Shop.from_doc({**doc, "legacy_field": 1}) == shop


def _apply(**overrides):
    data = {"name": "Tea", "slug": "tea-house", "category": "tea", "contact_email": "a@b.co", **overrides}
    return ApplyForm.model_validate(data)


def test_apply_form_lowercases_the_slug_and_drops_control_characters():
    form = _apply(slug="Tea-House", name="  Tea\x00 House\x1b  ", description="line 1\nline 2")
    assert (form.slug, form.name, form.description) == ("tea-house", "Tea House", "line 1\nline 2")


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "approved"},
        {"owner_id": "0" * 24},
        {"category": "weapons"},
        {"slug": "shops"},
        {"contact_email": "not-an-email"},
        {"contact_phone": "call me"},
        {"name": "x" * 61},
    ],
)
def test_apply_form_refuses(overrides):
    with pytest.raises(ValidationError):
        _apply(**overrides)


def test_profile_form_is_closed_and_normalises_the_colour():
    form = ProfileForm.model_validate({"contact_email": "a@b.co", "theme_color": "#AABBCC", "remove_logo": "true"})
    assert form.theme_color == "#aabbcc" and form.remove_logo is True
    for extra in ({"slug": "x"}, {"shop_id": "0" * 24}, {"status": "approved"}, {"theme_color": "red"}):
        with pytest.raises(ValidationError):
            ProfileForm.model_validate({"contact_email": "a@b.co", "theme_color": "#aabbcc", **extra})


def test_queries_are_typed():
    assert OperatorShopsQuery.model_validate({"status": ""}).status is None
    assert ShopListQuery.model_validate({"page": "2", "category": "tea"}).page == 2
    with pytest.raises(ValidationError):
        ShopListQuery.model_validate({"category": {"$ne": "x"}})
