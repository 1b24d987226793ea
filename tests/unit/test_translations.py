"""Every UI string in the code and templates has a Traditional Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def ui_strings() -> set[str]:
    found: set[str] = set()
    for folder, method in (("mall", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        options = {pattern: {"extensions": "jinja2.ext.i18n"}} if method == "jinja2" else {}
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, [(pattern, method)], keywords=KEYWORDS, options_map=options
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_chinese_catalog_translates_every_ui_string():
    with open(ROOT / "mall/translations/zh_Hant/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="zh_Hant")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    strings = ui_strings()
    assert len(strings) > 40
    missing = sorted(strings - translated)
    assert missing == [], f"run `make messages` and translate: {missing}"


CJK = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]*\}")
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"{CJK}[,:;?!()]|[,:;?!()]{CJK}")


def test_chinese_text_uses_full_width_punctuation():
    """「適用規格：150g」, 「優惠，費用」, （9 折）: a half-width , : ; ? ! ( ) next to a Chinese character is a slip
    (placeholders, numbers such as 1,000 and typed examples such as 'S, M, L' keep theirs)."""
    with open(ROOT / "mall/translations/zh_Hant/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="zh_Hant")
    slips = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, (tuple, list)) else [message.string])
        if HALF_WIDTH_NEXT_TO_CJK.search(PLACEHOLDER.sub("x", text))
    ]
    assert slips == []


def test_no_label_is_english_and_chinese_at_once():
    """'Delist 下架' read the same in both languages: each language gets its own words."""
    with open(ROOT / "mall/translations/zh_Hant/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="zh_Hant")
    mixed = [
        message.id
        for message in catalog
        if isinstance(message.id, str) and re.search(CJK, message.id) and re.search("[A-Za-z]{2}", message.id)
        and message.string == message.id
    ]  # fmt: skip
    assert mixed == []
