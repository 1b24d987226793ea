"""The storefront reads its query strings through closed, typed models: nothing unknown reaches a filter."""

import colorsys
from datetime import UTC, datetime

import pytest

from mall.catalog.models import AttributeDef, AttrType, Product, ProductStatus, Sort, Variant
from mall.shops.models import DEFAULT_THEME, Shop, ShopStatus
from mall.storefront import services
from mall.storefront.schemas import BadQuery, ListingParams, parse_model, parse_search


def args(**values):
    """A query multi-dict as Sanic gives it: every value a list."""
    return {k.replace("__", "."): v if isinstance(v, list) else [v] for k, v in values.items()}


def test_a_full_search_url_is_typed():
    parsed = parse_search(
        args(
            q="烏龍茶",
            category="oolong",
            shop="mountain-tea",
            min_price="100",
            max_price="450.5",
            sort="price_asc",
            page="2",
            a__origin=["凍頂 Dongding", "阿里山 Alishan"],
        ),
        "TWD",
    )
    assert parsed.q == "烏龍茶" and parsed.category == "oolong" and parsed.shop == "mountain-tea"
    assert parsed.min_price == 10000 and parsed.max_price == 45050
    assert parsed.sort is Sort.PRICE_ASC and parsed.page == 2
    assert parsed.attrs == {"origin": ["凍頂 Dongding", "阿里山 Alishan"]}


def test_blank_form_fields_mean_no_filter():
    parsed = parse_search(args(q="", category="", shop="", min_price="", max_price="", sort="", page=""), "TWD")
    assert (parsed.min_price, parsed.max_price, parsed.sort, parsed.page) == (None, None, Sort.RELEVANCE, 1)


@pytest.mark.parametrize("name", ["q[$ne]", "min_price[$gt]", "category[$regex]", "utm_source", "a.$where", "a.Origin"])
def test_unknown_or_operator_shaped_parameters_are_refused_with_a_message(name):
    with pytest.raises(BadQuery) as caught:
        parse_search({name: ["x"]}, "TWD")
    assert name in caught.value.errors
    assert "do not understand" in caught.value.errors[name]


@pytest.mark.parametrize("value", ["abc", "1e400", "NaN", "Infinity", "1,2,3x", "+5"])
def test_a_price_that_is_not_a_number_is_explained_at_its_field_and_the_rest_still_searches(value):
    parsed = parse_search(args(q="tea", min_price=value), "USD")
    assert parsed.errors == {"min_price": "Enter the lowest price as a number, like 450 or 450.50."}
    assert (parsed.q, parsed.min_price, parsed.min_price_text) == ("tea", None, value)


def test_a_negative_price_is_called_negative_not_a_non_number():
    parsed = parse_search(args(min_price="-100", max_price="-3"), "TWD")
    assert parsed.errors == {
        "min_price": "The lowest price cannot be negative.",
        "max_price": "The highest price cannot be negative.",
    }
    assert (parsed.min_price, parsed.max_price) == (None, None)


def test_a_price_with_too_many_decimals_or_too_large_says_so():
    assert parse_search(args(max_price="4.555"), "USD").errors == {
        "max_price": "The highest price can have at most 2 decimal places."
    }
    assert parse_search(args(min_price="99999999999999"), "USD").errors == {
        "min_price": "The lowest price is too high."
    }


def test_good_prices_have_no_errors():
    assert parse_search(args(min_price="100", max_price="450.5"), "TWD").errors == {}


def test_a_repeated_single_value_parameter_is_refused():
    with pytest.raises(BadQuery) as caught:
        parse_search(args(q=["tea", "coffee"]), "TWD")
    assert "q" in caught.value.errors


def test_reversed_price_range_is_put_the_right_way_round():
    parsed = parse_search(args(min_price="500", max_price="100"), "TWD")
    assert (parsed.min_price, parsed.max_price) == (10000, 50000)


@pytest.mark.parametrize("bad", [{"sort": ["cheapest"]}, {"page": ["0"]}, {"page": ["x"]}, {"page": ["100000"]}])
def test_sort_and_page_must_be_offered_values(bad):
    with pytest.raises(BadQuery):
        parse_model(bad, ListingParams)


def test_too_many_attribute_values_are_refused():
    with pytest.raises(BadQuery):
        parse_search(args(a__colour=[f"c{i}" for i in range(30)]), "TWD")


def _product(variants, attributes=None):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Product(
        id="a" * 24,
        shop_id="b" * 24,
        category_id=None,
        name={"en": "Tee", "zh_Hant": "T恤"},
        description_html="",
        attributes=attributes or {},
        variants=variants,
        images=[],
        status=ProductStatus.LISTED,
        created_at=now,
        updated_at=now,
    )


def test_changing_one_option_keeps_the_others_when_that_variant_exists():
    variants = [
        Variant("1" * 24, "T-S-R", {"size": "S", "colour": "red"}, 100, 0),
        Variant("2" * 24, "T-M-R", {"size": "M", "colour": "red"}, 120, 3),
        Variant("3" * 24, "T-M-B", {"size": "M", "colour": "blue"}, 130, 9),
    ]
    product = _product(variants)
    assert services.choose_variant(product).id == "2" * 24  # the first one in stock
    assert services.choose_variant(product, "3" * 24).sku == "T-M-B"
    assert services.variant_for(product, variants[1], "colour", "blue").sku == "T-M-B"
    assert services.variant_for(product, variants[2], "size", "S").sku == "T-S-R"  # no blue S: nearest match
    assert services.option_dimensions(product) == [("size", ["S", "M"]), ("colour", ["red", "blue"])]


def test_attribute_rows_follow_the_shop_definitions_with_units_and_booleans():
    defs = [
        AttributeDef("origin", "Origin 產地", AttrType.ENUM, options=["凍頂 Dongding"]),
        AttributeDef("weight", "Net weight 淨重", AttrType.NUMBER, unit="g"),
        AttributeDef("organic", "Organic 有機", AttrType.BOOLEAN),
    ]
    rows = services.attribute_rows(_product([], {"organic": False, "weight": 150.0, "origin": "凍頂 Dongding"}), defs)
    assert [(r.label, r.value, r.unit) for r in rows] == [
        ("Origin 產地", "凍頂 Dongding", ""),
        ("Net weight 淨重", "150", "g"),
        ("Organic 有機", False, ""),
    ]
    assert rows[2].is_bool


def test_the_compare_list_holds_at_most_four_distinct_ids():
    ids = services.compare_ids(["x", "a" * 24, "a" * 24, {"$ne": 1}, "b" * 24])
    assert ids == ["a" * 24, "b" * 24]
    for n in "cd":
        ids = services.add_to_compare(ids, n * 24)
    assert services.add_to_compare(ids, "c" * 24) == ids  # already there: unchanged
    with pytest.raises(services.CompareFull):
        services.add_to_compare(ids, "e" * 24)
    assert services.compare_ids("not a list") == []


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("#2F7D4A", "#2f7d4a"),
        ("red", DEFAULT_THEME),
        ("#123456; background: url(x)", DEFAULT_THEME),
        ("", DEFAULT_THEME),
    ],
)
def test_theme_colour_is_checked_again_before_output(stored, shown):
    assert services.theme_colour(_shop(stored)) == shown


def _contrast_on_white(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@pytest.mark.parametrize("stored", ["#b5651d", "#ffd43b", "#ffffff", "#74c0fc", DEFAULT_THEME])
def test_a_light_theme_colour_is_darkened_until_white_text_on_it_reads_at_4_5_to_1(stored):
    shown = services.theme_colour(_shop(stored))
    assert _contrast_on_white(shown) >= 4.5
    if _contrast_on_white(stored) >= 4.5:
        assert shown == stored  # a readable colour is kept as the merchant chose it
    else:
        hue = lambda c: colorsys.rgb_to_hls(*(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]  # noqa: E731
        assert abs(hue(shown) - hue(stored)) < 0.02 or stored == "#ffffff"  # still the shop's colour, darker


def _shop(stored: str) -> Shop:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Shop(
        id="b" * 24,
        slug="s-1",
        name="S",
        category="tea",
        description="",
        contact_email="",
        contact_phone="",
        owner_id="c" * 24,
        status=ShopStatus.APPROVED,
        created_at=now,
        theme_color=stored,
    )


def test_full_width_digits_from_a_chinese_keyboard_are_read_as_numbers():
    assert parse_search(args(max_price="１２０"), "TWD").max_price == 12000
