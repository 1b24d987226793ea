"""What the merchant's promotion pages say: each promotion's rule in words ("滿 NT$300 減 NT$30", "9 折"),
its state and its window in the platform's time zone, a campaign's funding split, and page() which hands
all of that to the templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_timedelta
from babel.numbers import format_currency, get_currency_symbol
from sanic import Request

from mall.infra.money import minor_digits
from mall.infra.text import N_
from mall.promotions.models import CouponKind
from mall.promotions.records import CampaignRecord, CouponRecord, ShopPromotion, ShopPromotionKind, State
from mall.web.i18n import current_locale, money, ngettext, number
from mall.web.i18n import gettext as _
from mall.web.templating import render

STATE_LABELS = {
    State.DRAFT: N_("Draft"),
    State.SCHEDULED: N_("Upcoming"),
    State.LIVE: N_("Live"),
    State.PAUSED: N_("Paused"),
    State.ENDED: N_("Ended"),
    State.STOPPED: N_("Stopped"),
}
ENTRY_LABELS = {
    "pending": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
}
KIND_LABELS = {
    "limited": N_("Limited-time discount"),
    "threshold": N_("Spend threshold"),
    "coupon": N_("Shop coupon"),
    "campaign": N_("Platform campaign"),
}


def money_short(minor: int, currency: str) -> str:
    """Money in a rule, without cents when there are none: "NT$300", "NT$299.50"."""
    unit = 10 ** minor_digits(currency)
    if minor % unit:
        return money(minor, currency)
    locale = Locale.parse(current_locale())
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(minor // unit, currency, format=pattern, currency_digits=False, locale=locale)


def off(percent: int) -> str:
    """ "10% off"; in Chinese what the shopper pays, in tenths of the price, as shops there write it:
    10% off is "9 折", 15% off "85 折", 95% off "0.5 折"."""
    if current_locale().startswith("zh"):
        pays = 100 - percent
        rate = pays // 10 if pays % 10 == 0 else f"0.{pays}" if pays < 10 else pays
        return f"{rate} 折"
    return _("%(percent)s%% off") % {"percent": percent}


def tier_words(tier: dict, currency: str) -> str:
    if tier.get("save") is not None:
        return _("Spend %(min)s, save %(save)s") % {
            "min": money_short(tier["min_spend"], currency),
            "save": money_short(tier["save"], currency),
        }
    minimum = money_short(tier["min_spend"], currency)
    return _("Spend %(min)s, get %(off)s") % {"min": minimum, "off": off(tier["percent"])}


def promotion_rule(promotion: ShopPromotion, currency: str) -> list[str]:
    """A shop promotion's rule, phrase by phrase."""
    if promotion.kind == ShopPromotionKind.SPEND_THRESHOLD:
        return [tier_words(tier, currency) for tier in promotion.tiers]
    if promotion.percent_off is not None:
        return [off(promotion.percent_off)]
    return [_("Fixed price %(price)s") % {"price": money_short(promotion.fixed_price or 0, currency)}]


def coupon_rule(coupon: CouponRecord, currency: str) -> list[str]:
    """What it saves, then the spend it needs."""
    if coupon.kind is CouponKind.FIXED:
        saving = "−" + money_short(coupon.value, currency)
    elif coupon.cap:
        saving = _("%(off)s, at most %(cap)s") % {"off": off(coupon.value), "cap": money_short(coupon.cap, currency)}
    else:
        saving = off(coupon.value)
    if coupon.min_spend:
        return [saving, _("min. spend %(amount)s") % {"amount": money_short(coupon.min_spend, currency)}]
    return [saving, _("no minimum spend")]


def coupon_facts(coupon: CouponRecord) -> list[str]:
    """How much of it is used, by whom, and how shoppers get it."""
    facts = [
        _("%(used)s of %(total)s used") % {"used": number(coupon.used), "total": number(coupon.total)},
        ngettext("%(num)d use per shopper", "%(num)d uses per shopper", coupon.per_user) % {"num": coupon.per_user},
    ]
    if coupon.claimable:
        claimed = ngettext("%(num)d claimed into wallets", "%(num)d claimed into wallets", coupon.claimed)
        return [*facts, claimed % {"num": coupon.claimed}]
    return [*facts, _("by code only")]


def campaign_rule(campaign: CampaignRecord, currency: str) -> list[str]:
    if campaign.percent_off is not None:
        return [_("%(off)s every product entered, in every shop") % {"off": off(campaign.percent_off)}]
    return [tier_words(tier, currency) for tier in campaign.tiers]


def funding_split(platform_percent: int) -> str:
    """Who pays a campaign's discounts, stated plainly."""
    if platform_percent >= 100:
        return _("The platform pays the whole of each discount; your shop pays nothing.")
    if platform_percent <= 0:
        return _("Your shop pays the whole of each discount; the platform pays nothing.")
    return _("The platform pays %(platform)s%% of each discount, your shop %(shop)s%%.") % {
        "platform": platform_percent,
        "shop": 100 - platform_percent,
    }


@dataclass(frozen=True)
class Window:
    """When something runs, in the platform's zone, in two parts that wrap well:
    "Tue, Nov 24 21:00 –" "Tue, Dec 1 21:00" (or "Tue, Nov 24" "20:00 – 22:00" within a day)."""

    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.first} {self.second}"


def formatters(c) -> dict:
    zone, locale = ZoneInfo(c.settings.timezone), Locale.parse(current_locale())
    this_year = c.clock.now().astimezone(zone).year

    def day(moment: datetime) -> str:
        return format_skeleton("MMMEd" if moment.year == this_year else "yMMMEd", moment, locale=locale)

    def hm(moment: datetime) -> str:
        return format_skeleton("Hm", moment, locale=locale)

    def window(item) -> Window:
        start, end = item.starts_at.astimezone(zone), item.ends_at.astimezone(zone)
        if start.date() == end.date():
            return Window(day(start), f"{hm(start)} – {hm(end)}")
        return Window(f"{day(start)} {hm(start)} –", f"{day(end)} {hm(end)}")

    def relative(moment: datetime) -> str:
        """ "in 2 hours" / "3 days ago"."""
        return format_timedelta(moment - c.clock.now(), add_direction=True, locale=locale)

    return {"window": window, "relative": relative}


def _words(c) -> dict:
    currency = c.settings.currency
    return {
        "promotion_rule": lambda p: promotion_rule(p, currency),
        "coupon_rule": lambda coupon: coupon_rule(coupon, currency),
        "coupon_facts": coupon_facts,
        "campaign_rule": lambda campaign: campaign_rule(campaign, currency),
        "funding_split": funding_split,
        "state_label": lambda state: _(STATE_LABELS.get(state, state)),
        "entry_label": lambda status: _(ENTRY_LABELS.get(status, status)),
        "kind_label": lambda kind: _(KIND_LABELS.get(kind, kind)),
    }


async def page(request: Request, template: str, *, fragment: str | None = None, status: int = 200, **context):
    """render() with the wording and formatters every merchant promotions template uses."""
    c = request.app.ctx.c
    return await render(
        request,
        template,
        fragment=fragment,
        status=status,
        now=c.clock.now(),
        unit=get_currency_symbol(c.settings.currency, locale=current_locale()),
        zone=c.settings.timezone,
        **formatters(c),
        **_words(c),
        **context,
    )
