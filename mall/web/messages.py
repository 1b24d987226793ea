"""What a person reads when a field is refused: pydantic's errors as sentences, in the person's language.

One mechanism for every form and for the JSON API's 422 `fields`. Limits are said with their numbers
("Use at most 80 characters."). A model may give a field its own words for a value in the wrong format
(`field_messages: ClassVar[dict[str, str]]`, marked with N_); a validator may raise a PydanticCustomError
whose message is an N_-marked sentence, or a ValueError whose text is one. Pydantic's own English
("String should have at most 80 characters") never reaches a person."""

from __future__ import annotations

from typing import get_args

from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from mall.infra.text import N_
from mall.web import i18n

GENERIC = N_("Please check this field.")
REQUIRED = N_("This field is required.")
WHOLE_NUMBER = N_("Enter a whole number.")
NUMBER = N_("Enter a number.")
CHOOSE = N_("Choose one of the options.")
WHEN = N_("Enter a date and time.")
BY_TYPE = {
    "missing": REQUIRED,
    "string_too_short": N_("Use at least %(min_length)s characters."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "too_short": N_("Add at least %(min_length)s."),
    "too_long": N_("Add at most %(max_length)s."),
    "string_pattern_mismatch": N_("This is not in the expected format."),
    "string_type": N_("Enter text here."),
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_parsing": NUMBER,
    "float_type": NUMBER,
    "decimal_parsing": NUMBER,
    "greater_than_equal": N_("Enter %(ge)s or more."),
    "greater_than": N_("Enter more than %(gt)s."),
    "less_than_equal": N_("Enter %(le)s or less."),
    "less_than": N_("Enter less than %(lt)s."),
    "literal_error": CHOOSE,
    "enum": CHOOSE,
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "datetime_parsing": WHEN,
    "datetime_type": WHEN,
    "datetime_from_date_parsing": WHEN,
    "timezone_aware": WHEN,
    "extra_forbidden": N_("This form does not take this field."),
}
OWN_WORDS = {"string_pattern_mismatch", "value_error", "assertion_error"}  # where a field's own message says more
BUILT_IN = set(get_args(ErrorType))


def human(error: ErrorDetails, field_messages: dict[str, str] | None = None) -> str:
    """One error of a pydantic ValidationError, as the person reads it."""
    kind, ctx = error["type"], error.get("ctx") or {}
    field = next((str(part) for part in reversed(error["loc"]) if isinstance(part, str)), "")
    own = (field_messages or {}).get(field)
    if kind not in BUILT_IN:
        return i18n.gettext(error["msg"])  # a PydanticCustomError: its message is an N_-marked sentence
    if kind in ("too_short", "too_long") and isinstance(error.get("input"), str):
        kind = f"string_{kind}"  # a text's limits checked after a validator (e.g. a cleaned name)
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        kind = "missing"  # an empty (or emptied) field
    if own and (kind in OWN_WORDS or kind not in BY_TYPE):
        return i18n.gettext(own)
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", ""))
        return i18n.gettext(text) if _is_ui_string(text) else i18n.gettext(GENERIC)
    numbers = {k: i18n.number(v) if isinstance(v, int | float) else v for k, v in ctx.items()}
    return i18n.gettext(BY_TYPE.get(kind, GENERIC)) % numbers


def _is_ui_string(text: str) -> bool:
    """Written for people: the catalog has it (a developer's note, such as "unknown region", is not there)."""
    return bool(text) and i18n.translations("zh_Hant").gettext(text) != text
