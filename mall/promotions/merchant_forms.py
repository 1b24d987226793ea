"""The merchant's promotion forms (限時折扣, 滿減, shop coupons, campaign entries): text as typed <-> typed values
for the services. Pure, no sanic.

The forms are closed: a field they do not list (shop_id, kind, status, control, scope, ...) or a single field
sent twice refuses the whole form, nothing is applied; the shop always comes from the session and the kind
from the URL. Money is typed in major units (300 or 299.50) and kept in minor units; times are typed in the
platform's time zone and kept in UTC."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mall.infra.ids import is_id
from mall.infra.money import to_minor
from mall.infra.text import N_, clean_name

TIERS = 5
TIER_FIELDS = tuple(f"{part}_{n}" for n in range(1, TIERS + 1) for part in ("min_spend", "off_kind", "off"))
FIELDS = {
    "limited": ("name", "product_ids", "variant_ids", "mode", "percent_off", "fixed_price", "starts_at", "ends_at"),
    "threshold": ("name", *TIER_FIELDS, "free_shipping", "starts_at", "ends_at"),
    "coupon": ("name", "code", "mode", "amount", "percent", "cap", "min_spend", "total", "per_user", "delivery",
               "starts_at", "ends_at"),
    "entries": ("product_ids",),
}  # fmt: skip
LISTS = ("product_ids", "variant_ids")
MAX_PICKED = 100
MAX_AMOUNT = 10**12  # minor units, as the services allow
WHOLE_RE = re.compile(r"^\d{1,9}$")
MONEY_RE = re.compile(r"^(\d{1,3}(,\d{3})+|\d{1,13})(\.\d{1,4})?$")  # 1,500 or 1500.50; no signs, no 3e2
LOCAL_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")

MESSAGES = {
    "name": N_("Give it a name of up to 60 characters."),
    "product_ids": N_("Choose at least one product of your shop."),
    "variant_ids": N_("Choose SKUs of the chosen products."),
    "mode": N_("Choose a percentage off or a fixed price."),
    "percent": N_("Enter a whole percentage from 1 to 99."),
    "amount": N_("Enter an amount above zero, such as 300 or 299.50."),
    "min_spend": N_("Enter an amount of zero or more, such as 300 or 299.50."),
    "tier": N_(
        "Give the row a minimum spend above zero and a saving (an amount, or 1 to 99 percent), or leave it empty."
    ),
    "tiers": N_("Give at least one tier."),
    "total": N_("Enter a whole number from 1 to 10,000,000."),
    "per_user": N_("Enter a whole number from 1 to 100."),
    "delivery": N_("Choose how shoppers get the coupon."),
    "starts_at": N_("Enter the date and time it starts."),
    "ends_at": N_("Enter the date and time it ends."),
    "checkbox": N_("Tick the box or leave it empty."),
}


@dataclass
class Parsed:
    """What was typed (to show again), the typed values for the service, and errors {field: message id}."""

    typed: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _all(params: Mapping, name: str, limit: int = 200) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
    values = values if isinstance(values, list | tuple) else [values]
    return [str(v if v is not None else "").strip()[:limit] for v in values]


def _one(params: Mapping, name: str, limit: int = 200) -> str:
    values = _all(params, name, limit)
    return values[0] if values else ""


def refused_fields(params: Mapping, form: str, fields: Mapping = FIELDS) -> tuple[str, str] | None:
    """(message id, field name) when the form carries a field it does not have, or a single field twice."""
    allowed = {"csrf_token", *fields[form]}
    unknown = sorted(set(params) - allowed)
    if unknown:
        return N_("This form does not accept the field “%(name)s”."), unknown[0]
    twice = sorted(n for n in params if n not in LISTS and len(_all(params, n)) > 1)
    if twice:
        return N_("The field “%(name)s” was sent more than once."), twice[0]
    return None


def money(text: str, currency: str, *, zero_ok: bool = False) -> int | None:
    """Major units as typed -> minor units; None for text, floats with too many decimals, <= 0 (or < 0), huge."""
    if not MONEY_RE.match(text):
        return None
    try:
        value = to_minor(text, currency)
    except ValueError:
        return None
    low = 0 if zero_ok else 1
    return value if low <= value <= MAX_AMOUNT else None


def whole(text: str, low: int, high: int) -> int | None:
    return int(text) if WHOLE_RE.match(text) and low <= int(text) <= high else None


def when(text: str, timezone: str) -> datetime | None:
    if not LOCAL_RE.match(text):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    except ValueError:
        return None


def picked(params: Mapping, name: str) -> list[str] | None:
    """Ids ticked in a picker, in order, once each; None when one is not an id or there are too many."""
    ids = [v for v in _all(params, name) if v]
    if len(ids) > MAX_PICKED or not all(is_id(v) for v in ids):
        return None
    return list(dict.fromkeys(ids))


class Form:
    """One parse: reads fields into `out`, noting the first error of each."""

    def __init__(self, params: Mapping, *, currency: str, timezone: str):
        self.params, self.currency, self.timezone = params, currency, timezone
        self.out = Parsed()

    def text(self, name: str, limit: int = 200) -> str:
        self.out.typed[name] = value = _one(self.params, name, limit)
        return value

    def fail(self, name: str, message: str | None = None) -> None:
        self.out.errors.setdefault(name, message or MESSAGES[name])

    def name(self) -> None:
        value = clean_name(self.text("name"))
        if 1 <= len(value) <= 60:
            self.out.values["name"] = value
        else:
            self.fail("name")

    def amount(self, name: str, *, as_: str | None = None, zero_ok: bool = False, blank=None) -> None:
        text = self.text(name)
        if not text and blank is not None:
            self.out.values[as_ or name] = blank
            return
        value = money(text, self.currency, zero_ok=zero_ok)
        if value is None:
            self.fail(name, MESSAGES["min_spend" if zero_ok else "amount"])
        else:
            self.out.values[as_ or name] = value

    def whole(self, name: str, low: int, high: int, *, as_: str | None = None, message: str | None = None) -> None:
        value = whole(self.text(name), low, high)
        if value is None:
            self.fail(name, message)
        else:
            self.out.values[as_ or name] = value

    def percent(self, name: str, *, as_: str | None = None) -> None:
        self.whole(name, 1, 99, as_=as_, message=MESSAGES["percent"])

    def choice(self, name: str, options: tuple[str, ...], *, message: str | None = None) -> str | None:
        value = self.text(name)
        if value in options:
            return value
        self.fail(name, message)
        return None

    def checkbox(self, name: str) -> None:
        value = self.text(name)
        if value in ("", "on"):
            self.out.values[name] = value == "on"
        else:
            self.fail(name, MESSAGES["checkbox"])

    def window(self) -> None:
        for name in ("starts_at", "ends_at"):
            value = when(self.text(name), self.timezone)
            if value is None:
                self.fail(name)
            else:
                self.out.values[name] = value

    def ids(self, name: str, *, required: bool) -> None:
        ids = picked(self.params, name)
        self.out.typed[name] = ids or []
        if ids is None or (required and not ids):
            self.fail(name)
        else:
            self.out.values[name] = ids


def parse_limited(params: Mapping, *, currency: str, timezone: str) -> Parsed:
    """限時折扣: the chosen products (and optionally some of their SKUs), a percentage off or a fixed price."""
    form = Form(params, currency=currency, timezone=timezone)
    form.name()
    form.ids("product_ids", required=True)
    form.ids("variant_ids", required=False)
    mode = form.choice("mode", ("percent", "fixed"))
    form.text("percent_off")
    form.text("fixed_price")
    if mode == "percent":
        form.percent("percent_off")
    elif mode == "fixed":
        form.amount("fixed_price")
    form.window()
    return form.out


def tier_rows(form: Form) -> None:
    """Up to five rows of (minimum spend, saving in money or percent) into values["tiers"]; empty rows are
    left out, a half-filled one is an error of its row (tier_<n>), none at all an error of "tiers"."""
    tiers = []
    for n in range(1, TIERS + 1):
        min_text, kind, off = form.text(f"min_spend_{n}"), form.text(f"off_kind_{n}"), form.text(f"off_{n}")
        if not min_text and not off:
            continue
        min_spend = money(min_text, form.currency)
        saving = whole(off, 1, 99) if kind == "percent" else money(off, form.currency) if kind == "amount" else None
        if min_spend is None or saving is None:
            form.fail(f"tier_{n}", MESSAGES["tier"])
            continue
        tiers.append({"min_spend": min_spend, "save" if kind == "amount" else "percent": saving})
    if not tiers and not any(k.startswith("tier_") for k in form.out.errors):
        form.fail("tiers")
    form.out.values["tiers"] = tiers


def parse_threshold(params: Mapping, *, currency: str, timezone: str) -> Parsed:
    """滿減: up to five rows of (minimum spend, saving in money or percent); empty rows are left out."""
    form = Form(params, currency=currency, timezone=timezone)
    form.name()
    tier_rows(form)
    form.checkbox("free_shipping")
    form.window()
    return form.out


def parse_coupon(params: Mapping, *, currency: str, timezone: str) -> Parsed:
    """A shop coupon: a fixed amount, or a percentage with an optional cap; who may use it how often; a window.
    An empty code is drawn by the service."""
    form = Form(params, currency=currency, timezone=timezone)
    form.name()
    code = form.text("code")
    form.out.values["code"] = code.upper() or None
    kind = form.choice("mode", ("fixed", "percent"), message=N_("Choose a fixed amount or a percentage off."))
    for name in ("amount", "percent", "cap"):
        form.text(name)
    if kind == "fixed":
        form.amount("amount", as_="value")
    elif kind == "percent":
        form.percent("percent", as_="value")
        if form.out.typed["cap"]:
            form.amount("cap")
        else:
            form.out.values["cap"] = None
    if kind:
        form.out.values["kind"] = kind
    form.amount("min_spend", zero_ok=True, blank=0)
    form.whole("total", 1, 10_000_000)
    form.whole("per_user", 1, 100)
    delivery = form.choice("delivery", ("wallet", "code"))
    if delivery:
        form.out.values["claimable"] = delivery == "wallet"
    form.window()
    return form.out


def parse_entries(params: Mapping) -> Parsed:
    """Products to enter into a campaign (one or more)."""
    form = Form(params, currency="TWD", timezone="UTC")
    form.ids("product_ids", required=True)
    return form.out


# The services' PromotionError.field -> the form field it is shown next to ("form": above the form).
SERVICE_FIELDS = {
    "limited": {"name": "name", "product_ids": "product_ids", "variant_ids": "product_ids",
                "percent_off": "percent_off", "fixed_price": "fixed_price"},
    "threshold": {"name": "name", "tiers": "tiers"},
    "coupon": {"name": "name", "code": "code", "cap": "cap", "min_spend": "min_spend", "total": "total",
               "per_user": "per_user"},
    "entries": {"product_ids": "product_ids"},
}  # fmt: skip


def field_for(form: str, service_field: str | None, typed: dict) -> str:
    if service_field in ("starts_at", "ends_at"):
        return service_field
    if form == "coupon" and service_field == "value":
        return "percent" if typed.get("mode") == "percent" else "amount"
    return SERVICE_FIELDS[form].get(service_field or "", "form")


def local_input(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def blank(form: str, now: datetime, *, timezone: str) -> dict:
    """A new form: from the next full hour for a week; a coupon for 100 shoppers, once each, by code."""
    start = now.astimezone(ZoneInfo(timezone)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    typed = {"starts_at": local_input(start, timezone), "ends_at": local_input(start + timedelta(days=7), timezone)}
    if form == "limited":
        typed |= {"mode": "percent", "product_ids": [], "variant_ids": []}
    elif form == "threshold":
        typed |= {f"off_kind_{n}": "amount" for n in range(1, TIERS + 1)}
    elif form == "coupon":
        typed |= {"mode": "fixed", "total": "100", "per_user": "1", "delivery": "code"}
    return typed
