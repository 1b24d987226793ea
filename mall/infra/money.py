"""Money is an integer count of the configured currency's minor unit. Never float."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision


def minor_digits(currency: str) -> int:
    return get_currency_precision(currency)


PLAIN_RE = re.compile(r"-?([0-9]+(\.[0-9]+)?|\.[0-9]+)", re.ASCII)


def to_minor(text: str, currency: str) -> int:
    """Parse '450', '450.5', '1,200.00' (or '-5': callers refuse it with their own message) into minor units.
    Full-width digits from a Chinese keyboard ('１２０') read as ASCII; ValueError on anything else Decimal would
    take: '+5', exponents ('1e3'), NaN / Infinity, other scripts' digits ('٣')."""
    cleaned = unicodedata.normalize("NFKC", str(text)).replace(",", "").strip()
    if not PLAIN_RE.fullmatch(cleaned):
        raise ValueError(f"not an amount: {text!r}")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    scaled = amount.scaleb(minor_digits(currency))
    if not amount.is_finite() or scaled != scaled.to_integral_value():
        raise ValueError(f"too many decimals: {text!r}")
    return int(scaled)


def to_major_text(minor: int, currency: str) -> str:
    """Minor units as a plain decimal string for form fields ('450.00')."""
    digits = minor_digits(currency)
    return str(Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits)))


def format_money(minor: int, currency: str, locale: str) -> str:
    digits = minor_digits(currency)
    return format_currency(Decimal(minor).scaleb(-digits), currency, locale=locale)
