"""gettext for every UI string, Babel for numbers, money and dates.

Catalogs are the .po files under mall/translations, compiled in memory at
start-up (no build step). The active locale lives in a context variable set
per request."""

from __future__ import annotations

import contextvars
import gettext as stdlib_gettext
from datetime import datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from mall.infra.money import format_money

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("en", "zh_Hant")
LOCALE_NAMES = {"en": "English", "zh_Hant": "中文(繁體)"}
_current = contextvars.ContextVar("locale", default="en")


@cache
def translations(locale: str) -> stdlib_gettext.NullTranslations:
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return stdlib_gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else "en")


def current_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


_ = gettext


@lru_cache(maxsize=512)  # browsers send a handful of distinct headers
def negotiate(accept_language: str, default: str) -> str:
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
    aliases = {"zh_TW": "zh_Hant", "zh_HK": "zh_Hant", "zh_Hant_TW": "zh_Hant", "zh": "zh_Hant"}
    wanted = [aliases.get(w, w) for w in wanted if w]
    return negotiate_locale(wanted, list(LOCALES), sep="_") or default


def html_lang(locale: str | None = None) -> str:
    return (locale or current_locale()).replace("_", "-")


def money(minor: int, currency: str) -> str:
    return _money(int(minor), currency, current_locale())


@lru_cache(maxsize=8192)  # Babel takes ~20 µs a price; a cart or listing shows the same few prices again and again
def _money(minor: int, currency: str, locale: str) -> str:
    return format_money(minor, currency, Locale.parse(locale))


def number(value) -> str:
    return format_decimal(value, locale=Locale.parse(current_locale()))


def when(value: datetime | None, timezone: str, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=ZoneInfo(timezone), locale=Locale.parse(current_locale()))
