"""Money is an integer count of the configured currency's minor unit. Never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision


def minor_digits(currency: str) -> int:
    return get_currency_precision(currency)


def to_minor(text: str, currency: str) -> int:
    """Parse '450', '450.5', '1,200.00' into minor units; ValueError on anything else."""
    cleaned = str(text).replace(",", "").strip()
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
