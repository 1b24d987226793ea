"""The consoles' flash-sale form: text as typed <-> typed values. Pure, no sanic.

The form is closed (`unknown_fields`): a shop_id, featured or status added to it is refused, never applied;
the shop always comes from the SKU (and, for a merchant, the session). Prices are typed in major units
(450 or 450.50) and kept in minor units; times are typed in the platform's time zone and kept in UTC."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mall.flash_sales.models import FlashSale
from mall.infra.money import to_major_text, to_minor
from mall.infra.text import N_

FIELDS = ("sku", "price", "quantity", "per_user_limit", "starts_at", "ends_at")
EDIT_FIELDS = FIELDS[1:]
SKU_RE = re.compile(r"^([0-9a-f]{24})\.([0-9a-f]{24})$")
WHOLE_RE = re.compile(r"^\d{1,9}$")
LOCAL_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
MAX_PRICE = 10**12
MAX_QUANTITY = 1_000_000
MAX_LIMIT = 1000

MESSAGES = {
    "sku": N_("Choose the product and variant to sell."),
    "price": N_("Enter the sale price, such as 399 or 399.50."),
    "quantity": N_("Enter a whole number of units from 1 to 1,000,000."),
    "per_user_limit": N_("Enter a whole number from 1 to 1,000."),
    "starts_at": N_("Enter the date and time the sale starts."),
    "ends_at": N_("Enter the date and time the sale ends."),
}
# The engine's refusals (mall/flash_sales/services/setup.py), shown next to the field they are about.
REFUSAL_FIELDS = {
    "No such SKU.": "sku",
    "The sale price must be below the normal price.": "price",
    "Not enough stock for this sale.": "quantity",
    "The sale must end after it starts.": "ends_at",
    "The sale must end in the future.": "ends_at",
}


MIN_SCORE = "min_health_score"  # a marketer's featured sale only


def parse_min_score(params: Mapping) -> tuple[int | None, str | None]:
    """(the minimum shop health score typed, or None when blank; the problem, if any)."""
    text = _text(params, MIN_SCORE)
    if not text:
        return None, None
    if not WHOLE_RE.match(text) or int(text) > 100:
        return None, N_("Enter a score from 0 to 100, or leave it empty for no minimum.")
    return int(text), None


def unknown_fields(names, fields: tuple[str, ...]) -> list[str]:
    return sorted(set(names) - {"csrf_token", *fields})


def _text(params: Mapping, name: str) -> str:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    return str(values[0] or "").strip()[:64] if values and len(values) == 1 else ""


def _whole(text: str, top: int) -> int | None:
    return int(text) if WHOLE_RE.match(text) and 0 < int(text) <= top else None


def _price(text: str, currency: str) -> int | None:
    try:
        value = to_minor(text, currency)
    except ValueError:
        return None
    return value if 0 < value < MAX_PRICE else None


def _when(text: str, zone: ZoneInfo) -> datetime | None:
    if not LOCAL_RE.match(text):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


def parse_sale_form(
    params: Mapping, *, currency: str, timezone: str, fields: tuple[str, ...] = FIELDS
) -> tuple[dict[str, str], dict, dict[str, str]]:
    """-> (what was typed, typed values, errors {field: message id}). A field sent twice is an error."""
    typed = {name: _text(params, name) for name in fields}
    zone = ZoneInfo(timezone)
    values: dict = {}
    errors: dict[str, str] = {}
    parsers = {
        "price": lambda t: _price(t, currency),
        "quantity": lambda t: _whole(t, MAX_QUANTITY),
        "per_user_limit": lambda t: _whole(t, MAX_LIMIT),
        "starts_at": lambda t: _when(t, zone),
        "ends_at": lambda t: _when(t, zone),
    }
    for name in fields:
        if name == "sku":
            match = SKU_RE.match(typed["sku"])
            if match:
                values["product_id"], values["variant_id"] = match.groups()
        elif (value := parsers[name](typed[name])) is not None:
            values[name] = value
        if name not in values and not (name == "sku" and "product_id" in values):
            errors[name] = MESSAGES[name]
    return typed, values, errors


def local_input(when: datetime, timezone: str) -> str:
    """A UTC time as a datetime-local value in the platform's zone."""
    return when.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def sale_values(sale: FlashSale, *, currency: str, timezone: str) -> dict[str, str]:
    """An existing sale as the edit form shows it."""
    return {
        "sku": f"{sale.product_id}.{sale.variant_id}",
        "price": to_major_text(sale.price, currency),
        "quantity": str(sale.quantity),
        "per_user_limit": str(sale.per_user_limit),
        "starts_at": local_input(sale.starts_at, timezone),
        "ends_at": local_input(sale.ends_at, timezone),
    }


def blank_values(now: datetime, *, timezone: str) -> dict[str, str]:
    """A new form: starts at the next full hour, runs two hours, one per shopper."""
    start = now.astimezone(ZoneInfo(timezone)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return {
        "per_user_limit": "1",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
