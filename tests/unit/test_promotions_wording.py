"""How deals read in Traditional Chinese: 滿 300 減 30, 9 折 (what is left to pay, in tenths: 10 % off is 9 折, 15 %
off is 85 折), from the catalog and the translations still waiting to be merged into it (translations-todo.json)."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from mall.config import load_settings
from mall.web import i18n
from mall.web.templating import build_environment

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "translations-todo.json"
PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)[sd]")


def chinese() -> Translations:
    with open(ROOT / "mall/translations/zh_Hant/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="zh_Hant")
    for msgid, msgstr in (json.loads(TODO.read_text()) if TODO.exists() else {}).items():
        if isinstance(msgstr, list):
            catalog.add((msgid, msgid), tuple(msgstr))
        else:
            catalog.add(msgid, msgstr)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


@pytest.fixture
def render():
    env = build_environment(load_settings(environ={}))
    env.install_gettext_translations(chinese(), newstyle=True)
    i18n.set_locale("zh_Hant")
    yield lambda source: env.from_string('{% import "promotions/shop_macros.html" as pm %}' + source).render()
    i18n.set_locale("en")


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("{{ pm.off(10) }}", "9 折"),
        ("{{ pm.off(15) }}", "85 折"),
        ("{{ pm.off(50) }}", "5 折"),
        ("{{ pm.tier(30000, save=3000) }}", "滿 $300 減 $30"),
        ("{{ pm.tier(100000, percent=20) }}", "滿 $1,000 打 8 折"),
        ("{{ pm.applied_label('platform_coupon', {'code': 'NEWYEAR'}) }}", "優惠券 NEWYEAR"),
        ("{{ pm.reason({'reason': 'min_spend_not_reached', 'short_by': 8000}) }}", "再買 $80 即可使用。"),
        # one line per promotion, by its rule (the merchant's name, which restates it, is left out)
        (
            "{{ pm.applied_label('spend_threshold', {'min_spend': 100000, 'save': 12000, 'free_shipping': True,"
            " 'name': '滿 500 減 50 / 滿 1000 減 120'}) }}",
            "滿 $1,000 減 $120 · 免運",
        ),
        ("{{ pm.applied_label('limited_time', {'percent': 15, 'name': '週末限時 85 折'}) }}", "限時 85 折"),
        ("{{ pm.shipping(6000, 6000)|striptags }}", "運費 原運費 $60 免運"),
    ],
)
def test_deals_read_as_shoppers_in_taiwan_say_them(render, source, reads):
    assert render(source) == reads


def test_every_waiting_translation_keeps_the_placeholders_its_english_fills_in():
    for msgid, msgstr in (json.loads(TODO.read_text()) if TODO.exists() else {}).items():
        given = set(PLACEHOLDER.findall(msgid)) | ({"zhe"} if "%(pct)s" in msgid else set())
        for text in msgstr if isinstance(msgstr, list) else [msgstr]:
            assert text and set(PLACEHOLDER.findall(text)) <= given, msgid
