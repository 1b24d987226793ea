"""The marketers' forms: a joint platform campaign (聯合促銷) and a platform coupon. Text as typed <-> typed values
for the services; pure, no sanic. Closed like the merchants' forms (mall/promotions/merchant_forms.py, whose
field readers these reuse): a field they do not list, or one sent twice, refuses the whole form. The banner is
a file part, read by the handler; `remove_banner` drops the current one when editing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mall.infra.money import to_major_text
from mall.infra.text import N_
from mall.promotions import merchant_forms as shared
from mall.promotions.merchant_forms import Form, Parsed, local_input, tier_rows

CAMPAIGN_FIELDS = ("name", "theme", "rule", "percent_off", *shared.TIER_FIELDS, "platform_share_percent",
                   "starts_at", "ends_at", "remove_banner", "min_health_score")  # fmt: skip
FIELDS = {"campaign": CAMPAIGN_FIELDS, "coupon": shared.FIELDS["coupon"]}
THEME_READ = 400  # a theme is up to 300 characters: read a little more, to say it is too long
MESSAGES = {
    "theme": N_("Keep the theme under 300 characters."),
    "rule": N_("Choose a percentage off or spend tiers."),
    "platform_share_percent": N_("Enter a whole percentage from 0 to 100."),
    "min_health_score": N_("Enter a score from 0 to 100, or leave it empty for no minimum."),
}


def refused_fields(params: Mapping, form: str) -> tuple[str, str] | None:
    return shared.refused_fields(params, form, FIELDS)


def parse_campaign(params: Mapping, *, currency: str, timezone: str) -> Parsed:
    """Name, theme, the rule (a percentage off the products entered, or platform-wide spend tiers), the share of
    each discount the platform pays, the window."""
    form = Form(params, currency=currency, timezone=timezone)
    form.name()
    theme = form.text("theme", limit=THEME_READ)
    if len(theme) > 300:
        form.fail("theme", MESSAGES["theme"])
    form.out.values["theme"] = theme
    rule = form.choice("rule", ("percent", "tiers"), message=MESSAGES["rule"])
    form.text("percent_off")
    if rule == "percent":
        form.percent("percent_off")
        form.out.values["tiers"] = []
        for name in shared.TIER_FIELDS:
            form.text(name)
    elif rule == "tiers":
        tier_rows(form)
        form.out.values["percent_off"] = None
    form.whole("platform_share_percent", 0, 100, message=MESSAGES["platform_share_percent"])
    if form.text("min_health_score"):
        form.whole("min_health_score", 0, 100, message=MESSAGES["min_health_score"])
    else:
        form.out.values["min_health_score"] = None
    form.checkbox("remove_banner")
    form.window()
    return form.out


def parse_coupon(params: Mapping, *, currency: str, timezone: str) -> Parsed:
    """A platform coupon: the same fields as a shop's (its minimum spend counts the whole cart)."""
    return shared.parse_coupon(params, currency=currency, timezone=timezone)


SERVICE_FIELDS = {
    "campaign": {"name": "name", "theme": "theme", "tiers": "tiers", "percent_off": "percent_off",
                 "platform_share_percent": "platform_share_percent", "min_health_score": "min_health_score"},
}  # fmt: skip


def field_for(form: str, service_field: str | None, typed: dict) -> str:
    if form == "coupon":
        return shared.field_for("coupon", service_field, typed)
    if service_field in ("starts_at", "ends_at"):
        return service_field
    return SERVICE_FIELDS[form].get(service_field or "", "form")


def blank(form: str, now: datetime, *, timezone: str) -> dict:
    """A new campaign: tomorrow from 10:00 for three days, 10% off, the platform paying half."""
    if form == "coupon":
        return shared.blank("coupon", now, timezone=timezone) | {"delivery": "wallet", "total": "1000"}
    local = now.astimezone(ZoneInfo(timezone))
    start = local.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return {
        "rule": "percent", "percent_off": "10", "platform_share_percent": "50",
        "starts_at": local_input(start, timezone), "ends_at": local_input(start + timedelta(days=3), timezone),
        **{f"off_kind_{n}": "amount" for n in range(1, shared.TIERS + 1)},
    }  # fmt: skip


def typed_from(campaign, *, currency: str, timezone: str) -> dict:
    """The edit form of a stored campaign, as it would be typed."""
    typed = {
        "name": campaign.name, "theme": campaign.theme,
        "rule": "percent" if campaign.percent_off is not None else "tiers",
        "percent_off": str(campaign.percent_off or ""), "platform_share_percent": str(campaign.platform_share_percent),
        "min_health_score": "" if campaign.min_health_score is None else str(campaign.min_health_score),
        "starts_at": local_input(campaign.starts_at, timezone), "ends_at": local_input(campaign.ends_at, timezone),
        **{f"off_kind_{n}": "amount" for n in range(1, shared.TIERS + 1)},
    }  # fmt: skip
    for n, tier in enumerate(campaign.tiers, start=1):
        typed[f"min_spend_{n}"] = to_major_text(tier["min_spend"], currency)
        if tier.get("save") is not None:
            typed[f"off_{n}"] = to_major_text(tier["save"], currency)
        else:
            typed |= {f"off_kind_{n}": "percent", f"off_{n}": str(tier["percent"])}
    return typed
