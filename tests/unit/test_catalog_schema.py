"""A shop's attribute definitions become a Draft 2020-12 JSON Schema; product attributes are checked against
it with per-field messages; descriptions are sanitized with nh3."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from mall.catalog.models import AttributeDef, AttrType
from mall.catalog.richtext import description_html
from mall.catalog.schema_gen import attribute_problems, json_schema, validate_attributes
from mall.catalog.services.attributes import check_attribute_defs

TEA = [
    AttributeDef("origin", "Origin 產地", AttrType.ENUM, required=True, options=["凍頂", "阿里山"]),
    AttributeDef("weight", "Net weight", AttrType.NUMBER, unit="g", required=True),
    AttributeDef("organic", "Organic", AttrType.BOOLEAN),
    AttributeDef("notes", "Tasting notes", AttrType.TEXT),
]


def test_the_generated_schema_is_a_valid_draft_2020_12_schema_of_the_definitions():
    schema = json_schema(TEA)

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["origin", "weight"]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert props["origin"]["enum"] == ["凍頂", "阿里山"]
    assert props["weight"]["type"] == "number"
    assert props["organic"]["type"] == "boolean"
    assert props["notes"]["type"] == "string" and props["notes"]["maxLength"] == 500


def test_valid_attributes_have_no_problems():
    assert validate_attributes(TEA, {"origin": "凍頂", "weight": 150, "organic": True, "notes": "floral"}) == {}
    assert validate_attributes(TEA, {"origin": "阿里山", "weight": 75.5}) == {}


def test_every_bad_field_gets_its_own_message():
    problems = validate_attributes(
        TEA, {"origin": "Mars", "organic": "yes", "notes": "x" * 501, "colour": "red", "weight": True}
    )

    assert problems == {
        "origin": "Choose one of the options.",
        "weight": "Enter a number.",
        "organic": "Choose yes or no.",
        "notes": "Too long: at most 500 characters.",
        "colour": "This is not one of the shop's attributes.",
    }


def test_missing_required_fields_are_named():
    assert validate_attributes(TEA, {}) == {"origin": "This field is required.", "weight": "This field is required."}


def test_numbers_must_be_finite_and_in_range():
    assert validate_attributes(TEA, {"origin": "凍頂", "weight": float("nan")}) == {"weight": "Enter a number."}
    assert validate_attributes(TEA, {"origin": "凍頂", "weight": 10**12}) == {"weight": "The number is out of range."}


def test_a_stored_product_is_only_flagged_for_what_the_current_definitions_ask():
    stored = {"origin": "凍頂", "weight": 150, "retired_field": "anything"}
    assert attribute_problems(TEA, stored) == {}

    stricter = [*TEA, AttributeDef("grade", "Grade", AttrType.ENUM, required=True, options=["A", "B"])]
    assert attribute_problems(stricter, stored) == {"grade": "This field is required."}

    narrower = [AttributeDef("origin", "Origin", AttrType.ENUM, options=["阿里山"])]
    assert attribute_problems(narrower, stored) == {"origin": "Choose one of the options."}


def test_definitions_are_checked_before_saving():
    errors = check_attribute_defs(
        [
            AttributeDef("Origin", "Origin", AttrType.TEXT),
            AttributeDef("weight", "", AttrType.NUMBER),
            AttributeDef("weight", "Weight again", AttrType.NUMBER),
            AttributeDef("grade", "Grade", AttrType.ENUM, options=[]),
            AttributeDef("size", "Size", AttrType.ENUM, options=["S", "S"]),
        ]
    )

    assert set(errors) == {"0.key", "1.label", "2.key", "3.options", "4.options"}
    assert check_attribute_defs(TEA) == {}


def test_description_keeps_allowed_tags_and_strips_scripts_and_handlers():
    cleaned = description_html(
        '<h3>Oolong</h3><p onclick="x()">Good <strong>tea</strong><script>alert(1)</script></p>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">bad</a><a href="https://tea.example">farm</a>'
        '<div style="color:red">plain</div><iframe src="https://evil.example"></iframe>'
    )

    assert "<script" not in cleaned and "alert(1)" not in cleaned
    assert "onerror" not in cleaned and "onclick" not in cleaned and "<img" not in cleaned
    assert "javascript:" not in cleaned and "<iframe" not in cleaned and "style=" not in cleaned
    assert "<h3>Oolong</h3>" in cleaned and "<strong>tea</strong>" in cleaned
    assert '<a href="https://tea.example" rel="noopener nofollow">farm</a>' in cleaned


def test_plain_text_descriptions_become_escaped_paragraphs():
    assert description_html("Roasted twice.\nSmooth.\n\n5 < 6 & so on") == (
        "<p>Roasted twice.<br>Smooth.</p><p>5 &lt; 6 &amp; so on</p>"
    )
    assert description_html("   ") == ""


def test_a_number_cannot_be_negative_unless_the_merchant_says_it_can():
    temperature = AttributeDef("storage", "Storage temperature", AttrType.NUMBER, unit="°C", can_be_negative=True)
    schema = json_schema([*TEA, temperature])

    assert schema["properties"]["weight"]["minimum"] == 0
    assert schema["properties"]["storage"]["minimum"] == -(10**9)
    assert validate_attributes(TEA, {"origin": "凍頂", "weight": -5}) == {"weight": "Enter zero or more."}
    assert validate_attributes(TEA, {"origin": "凍頂", "weight": 0}) == {}
    assert validate_attributes([*TEA, temperature], {"origin": "凍頂", "weight": 5, "storage": -18}) == {}
    assert attribute_problems(TEA, {"origin": "凍頂", "weight": -5}) == {"weight": "Enter zero or more."}  # flagged
