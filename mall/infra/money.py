"""Money is an integer count of the configured currency's minor unit. Never float.

Shown as people of that currency write it: CLDR's cash digits (TWD has cents on paper, none in
anyone's hand, so NT$1,000 rather than NT$1,000.00) whenever the amount has nothing below them."""

from __future__ import annotations

import copy
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision


def minor_digits(currency: str) -> int:
    return get_currency_precision(currency)


def cash_digits(currency: str) -> int:
    """Decimals people write for the currency (CLDR cashDigits): 0 for TWD, 2 for USD and EUR."""
    fractions = get_global("currency_fractions")
    return min(fractions.get(currency, fractions["DEFAULT"])[2], minor_digits(currency))


def cash_step(currency: str) -> int:
    """The smallest amount people can pay, in minor units: 100 for TWD (whole dollars), 1 for USD,
    5 for CHF (CLDR's cash rounding of 0.05)."""
    fractions = get_global("currency_fractions")
    rounding = fractions.get(currency, fractions["DEFAULT"])[3]
    return 10 ** (minor_digits(currency) - cash_digits(currency)) * max(rounding, 1)


def shown_digits(minor: int, currency: str) -> int:
    """Cash digits when they say the amount exactly, else every minor digit (nothing is hidden)."""
    digits, cash = minor_digits(currency), cash_digits(currency)
    return cash if minor % 10 ** (digits - cash) == 0 else digits


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
    """Minor units as a plain decimal string for form fields ('450' for TWD, '450.50', '4.50' for USD)."""
    digits, shown = minor_digits(currency), shown_digits(minor, currency)
    return str(Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-shown)))


def format_money(minor: int, currency: str, locale: str | Locale) -> str:
    """'NT$1,000' (en) or '$1,000' (zh_Hant) for TWD, 'NT$450.50' when there are cents, '$4.50' for USD."""
    digits, shown = minor_digits(currency), shown_digits(minor, currency)
    amount = Decimal(minor).scaleb(-digits)
    if shown == digits:
        return format_currency(amount, currency, locale=locale)
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (shown, shown)
    return pattern.apply(amount, Locale.parse(locale), currency=currency, currency_digits=False)
