"""The merchant's HTML product form: text -> a typed draft, option combinations -> variant rows, and the
service's error paths -> the right inputs."""

from __future__ import annotations

from mall.catalog.forms import (
    build_variant_rows,
    defs_from_rows,
    parse_attr_rows,
    parse_product_form,
    product_errors,
    to_draft,
)
from mall.catalog.models import AttributeDef, AttrType

DEFS = [
    AttributeDef("weight", "Weight", AttrType.NUMBER, unit="g"),
    AttributeDef("organic", "Organic", AttrType.BOOLEAN),
    AttributeDef("origin", "Origin", AttrType.ENUM, options=["A", "B"]),
]


def form(**fields) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in fields.items()}


def test_a_filled_form_becomes_a_typed_draft():
    params = form(
        name_en="Oolong",
        name_zh_Hant="烏龍",
        **{"attr.weight": "150", "attr.organic": "1", "attr.origin": "A", "dim.0.name": "size"},
        vrow=["a1", "b2"],
        **{"v.a1.sku": "T-S", "v.a1.price": "450.50", "v.a1.stock": "3", "v.a1.opt.0": "S"},
        **{"v.b2.sku": "T-M", "v.b2.price": "1,200", "v.b2.stock": "0", "v.b2.opt.0": "M"},
    )

    draft, errors = to_draft(parse_product_form(params, DEFS), DEFS, "TWD")

    assert errors == {}
    assert draft.name == {"en": "Oolong", "zh_Hant": "烏龍"}
    assert draft.attributes == {"weight": 150, "organic": True, "origin": "A"}
    assert [(v.sku, v.price, v.stock, v.options) for v in draft.variants] == [
        ("T-S", 45050, 3, {"size": "S"}),
        ("T-M", 120000, 0, {"size": "M"}),
    ]


def test_text_that_is_not_a_number_is_reported_on_its_own_input():
    params = form(
        vrow=["a1", "b2", "c3"],
        **{"attr.weight": "heavy", "v.a1.price": "-1", "v.a1.stock": "1.5"},
        **{"v.b2.price": "abc", "v.b2.stock": "-1", "v.c3.price": "4.999", "v.c3.stock": "2"},
    )

    draft, errors = to_draft(parse_product_form(params, DEFS), DEFS, "TWD")

    assert errors == {
        "attr.weight": "Enter a number.",
        "v.a1.stock": "Enter a whole number of at least 0.",
        "v.b2.price": "Enter an amount such as 450 or 450.50.",
        "v.b2.stock": "Enter a whole number of at least 0.",
        "v.c3.price": "Enter an amount such as 450 or 450.50.",
    }
    assert draft.variants[0].price == -100  # left for the service to refuse: "above zero"


def test_removed_rows_and_unknown_tokens_are_dropped():
    params = form(vrow=["a1", "b2", "../x"], **{"v.a1.sku": "A", "v.b2.sku": "B", "v.b2.remove": "1"})
    assert [row.sku for row in parse_product_form(params, []).variants] == ["A"]


def test_option_values_make_one_row_per_combination_keeping_existing_rows():
    params = form(
        **{"dim.0.name": "size", "dim.0.values": "S, M", "dim.1.name": "colour", "dim.1.values": "red,blue"},
        vrow=["a1"],
        **{"v.a1.sku": "KEEP", "v.a1.price": "99", "v.a1.stock": "7", "v.a1.opt.0": "M", "v.a1.opt.1": "blue"},
    )
    state = parse_product_form(params, [])

    assert build_variant_rows(state) is None
    assert [row.options[:2] for row in state.variants] == [["S", "red"], ["S", "blue"], ["M", "red"], ["M", "blue"]]
    kept = state.variants[3]
    assert (kept.sku, kept.price, kept.stock) == ("KEEP", "99", "7")
    assert all(row.price == "99" for row in state.variants)


def test_service_errors_land_on_the_matching_row_and_attribute():
    state = parse_product_form(form(vrow=["a1", "b2"]), DEFS)
    mapped = product_errors({"variants.1.sku": "taken", "attributes.origin": "pick", "name": "need"}, state)
    assert mapped == {"v.b2.sku": "taken", "attr.origin": "pick", "name": "need"}


def test_attribute_rows_parse_and_skip_removed_and_blank_rows():
    params = form(
        row=["a1", "b2", "c3", "d4"],
        **{"key.a1": "origin", "label.a1": "Origin", "type.a1": "enum", "options.a1": "A\n\nB\n", "required.a1": "1"},
        **{"key.b2": "gone", "label.b2": "Gone", "remove.b2": "1"},
        **{"key.d4": "x", "label.d4": "X", "type.d4": "bogus"},
    )
    defs = defs_from_rows(parse_attr_rows(params))

    assert [(d.key, d.type, d.required, d.options) for d in defs] == [
        ("origin", AttrType.ENUM, True, ["A", "B"]),
        ("x", AttrType.TEXT, False, []),
    ]
