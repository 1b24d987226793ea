"""A shop's attribute definitions -> a JSON Schema (Draft 2020-12), and product attributes checked against it.

Messages are English, marked with N_ so the web layer can translate them. Pure functions, no I/O."""

from __future__ import annotations

import math
import re

from jsonschema import Draft202012Validator

from mall.catalog.models import AttributeDef, AttrType
from mall.infra.text import N_

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
TEXT_MAX = 500
NUMBER_LIMIT = 10**9
DIALECT = "https://json-schema.org/draft/2020-12/schema"


REQUIRED = N_("This field is required.")
UNKNOWN = N_("This is not one of the shop's attributes.")
BY_TYPE = {
    "string": N_("Enter text."),
    "number": N_("Enter a number."),
    "boolean": N_("Choose yes or no."),
}
BY_VALIDATOR = {
    "enum": N_("Choose one of the options."),
    "minLength": REQUIRED,
    "maxLength": N_("Too long: at most 500 characters."),
    "minimum": N_("The number is out of range."),  # (below zero where it cannot be: BELOW_ZERO)
    "maximum": N_("The number is out of range."),
}
INVALID = N_("This value is not valid.")
BELOW_ZERO = N_("Enter zero or more.")


def _property(d: AttributeDef) -> dict:
    if d.type == AttrType.NUMBER:
        return {"type": "number", "minimum": -NUMBER_LIMIT if d.can_be_negative else 0, "maximum": NUMBER_LIMIT}
    if d.type == AttrType.BOOLEAN:
        return {"type": "boolean"}
    if d.type == AttrType.ENUM:
        return {"type": "string", "enum": list(d.options)}
    return {"type": "string", "minLength": 1, "maxLength": TEXT_MAX}


def json_schema(defs: list[AttributeDef]) -> dict:
    """The schema a product's `attributes` object must satisfy for this shop."""
    return {
        "$schema": DIALECT,
        "type": "object",
        "properties": {d.key: {"title": d.label, **_property(d)} for d in defs},
        "required": [d.key for d in defs if d.required],
        "additionalProperties": False,
    }


def validate_attributes(defs: list[AttributeDef], attributes: dict) -> dict[str, str]:
    """{key: problem} for a product being saved; unknown keys are problems too. Empty when valid."""
    if not isinstance(attributes, dict):
        return {"attributes": INVALID}
    schema = json_schema(defs)
    problems: dict[str, str] = {}
    for error in Draft202012Validator(schema).iter_errors(attributes):
        if error.validator == "required":
            for key in error.validator_value:
                if key not in attributes:
                    problems.setdefault(key, REQUIRED)
        elif error.validator == "additionalProperties":
            for key in set(attributes) - set(schema["properties"]):
                problems.setdefault(str(key), UNKNOWN)
        elif error.path:
            key = str(error.path[0])
            message = BY_TYPE.get(error.validator_value) if error.validator == "type" else None
            if error.validator == "minimum" and error.validator_value == 0:
                message = BELOW_ZERO
            problems.setdefault(key, message or BY_VALIDATOR.get(error.validator, INVALID))
        else:
            problems.setdefault("attributes", INVALID)
    for key, value in attributes.items():
        if isinstance(value, float) and not math.isfinite(value):
            problems.setdefault(str(key), BY_TYPE["number"])
    return problems


def attribute_problems(defs: list[AttributeDef], attributes: dict) -> dict[str, str]:
    """What a stored product lacks under the shop's current definitions (for the "needs attention" flag).

    Values of attributes the shop no longer defines are ignored: they are dropped on the next edit."""
    known = {d.key for d in defs}
    current = {k: v for k, v in (attributes or {}).items() if k in known}
    return validate_attributes(defs, current)
