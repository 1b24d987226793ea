"""Pydantic's refusals as people read them (mall.web.messages), in English and Chinese."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from mall.infra.text import N_
from mall.web import i18n
from mall.web.forms import Invalid, validate


def _developer_note(value: str) -> str:
    raise ValueError("unknown region")


def _human(value: str) -> str:
    raise ValueError("This field is required.")


def _custom(value: str) -> str:
    raise PydanticCustomError("taken", N_("An account with this email already exists."))


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_messages: ClassVar[dict[str, str]] = {"code": N_("Enter a coupon code: 3 to 32 letters, digits, - or _.")}
    name: str = Field(min_length=1, max_length=60)
    qty: int = Field(ge=1, le=99)
    size: Literal["S", "M"] = "S"
    code: str = Field(default="ABC", pattern=r"^[A-Z]+$")
    region: Annotated[str, AfterValidator(_developer_note)] | None = None
    again: Annotated[str, AfterValidator(_human)] | None = None
    email: Annotated[str, AfterValidator(_custom)] | None = None
    items: list[int] = Field(default_factory=list, max_length=2)


def refused(**data) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        validate(Sample, {"name": "A", "qty": "1", **data})
    return caught.value.errors


EXPECTED = {
    "en": {
        "name": "This field is required.",
        "qty": "Enter a whole number.",
        "size": "Choose one of the options.",
        "code": "Enter a coupon code: 3 to 32 letters, digits, - or _.",
        "items": "Add at most 2.",
        "extra": "This form does not take this field.",
        "long_name": "Use at most 60 characters.",
        "low_qty": "Enter 1 or more.",
        "region": "Please check this field.",  # a developer's note ("unknown region") is never shown
        "again": "This field is required.",
        "email": "An account with this email already exists.",
    },
    "zh_Hant": {
        "name": "此欄位為必填。",
        "qty": "請輸入整數。",
        "size": "請從選項中選擇一項。",
        "items": "最多只能新增 2 項。",
        "extra": "這個表單不接受這個欄位。",
        "long_name": "最多只能輸入 60 個字元。",
        "low_qty": "請輸入 1 或以上的數值。",
        "region": "請檢查這個欄位。",
        "again": "此欄位為必填。",
    },
}


@pytest.mark.parametrize("locale", ["en", "zh_Hant"])
def test_every_refusal_is_a_sentence_in_the_persons_language(locale):
    i18n.set_locale(locale)
    try:
        first = refused(name="", qty="x", size="XL", code="abc", items=[1, 2, 3], extra="1")
        second = refused(name="n" * 61, qty="0", region="Mars", again="x", email="a@b")
    finally:
        i18n.set_locale("en")
    said = {**first, "long_name": second["name"], "low_qty": second["qty"], **{
        k: second[k] for k in ("region", "again", "email")}}  # fmt: skip
    for field, text in EXPECTED[locale].items():
        assert said[field] == text, field
    assert not any("should" in text or "Input" in text for text in said.values())


class Coded(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    codes: list[Annotated[str, Field(min_length=1, max_length=5)]] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=3)


class JsonRequest:
    def __init__(self, body):
        self.json = body


def test_json_texts_longer_than_documented_are_refused_as_sent_before_whitespace_is_stripped():
    """The models strip whitespace before checking lengths; the API document's maxLength is of what was sent
    (Schemathesis found "\\f" + 5 characters accepted where 5 are allowed)."""
    from mall.web.forms import parse_json

    fine = parse_json(JsonRequest({"codes": ["ABCDE", " AB "], "note": "abc"}), Coded)
    assert fine.codes == ["ABCDE", "AB"] and fine.note == "abc"
    with pytest.raises(Invalid) as padded:
        parse_json(JsonRequest({"codes": ["ABCDE", "\fABCDE"], "note": " ab "}), Coded)
    assert padded.value.errors == {"codes.1": "Use at most 5 characters.", "note": "Use at most 3 characters."}
    with pytest.raises(Invalid) as plain:
        parse_json(JsonRequest({"codes": ["ABCDEF"]}), Coded)
    assert plain.value.errors == {"codes.0": "Use at most 5 characters."}
