"""What the promotion use cases share: the refusal, checks of windows and amounts, timed steps, events."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from mall.infra.text import N_
from mall.promotions import events
from mall.shops import services as shops_services

log = logging.getLogger("mall.promotions")
MAX_AMOUNT = 10**12  # minor units


class PromotionError(Exception):
    """A refused promotion action; `message` is user-facing (translated when shown), `field` the input at fault."""

    def __init__(self, message: str, status: int = 422, field: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.params = params or {}  # filled into the translated message


def check_window(c, starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise PromotionError(N_("Times need a time zone."), field="starts_at")
    if ends_at <= starts_at:
        raise PromotionError(N_("It must end after it starts."), field="ends_at")
    if ends_at <= c.clock.now():
        raise PromotionError(N_("It must end in the future."), field="ends_at")
    return starts_at.astimezone(UTC), ends_at.astimezone(UTC)


def check_amount(value, field: str, *, minimum: int = 0) -> int:
    """A whole amount of minor units: 0 or more (minimum 0), or more than 0 (minimum 1)."""
    if type(value) is not int or not minimum <= value <= MAX_AMOUNT:
        message = N_("Enter an amount above zero.") if minimum else N_("Enter an amount of zero or more.")
        raise PromotionError(message, field=field)
    return value


def check_percent(value, field: str) -> int:
    if type(value) is not int or not 1 <= value <= 99:
        raise PromotionError(N_("Enter a percentage from 1 to 99."), field=field)
    return value


def check_tiers(raw, field: str = "tiers") -> list[dict]:
    """滿減 tiers: [{min_spend, save | percent}], 1 to 5, rising min_spend."""
    if not isinstance(raw, list | tuple) or not 1 <= len(raw) <= 5:
        raise PromotionError(N_("Give one to five tiers."), field=field)
    tiers, last = [], -1
    for tier in raw:
        min_spend = check_amount(tier.get("min_spend"), field, minimum=1)
        save, percent = tier.get("save"), tier.get("percent")
        if (save is None) == (percent is None):
            raise PromotionError(N_("Each tier saves an amount or a percentage."), field=field)
        if save is not None and not 0 < check_amount(save, field, minimum=1) < min_spend:
            raise PromotionError(N_("A tier must save less than its minimum spend."), field=field)
        if percent is not None:
            check_percent(percent, field)
        if min_spend <= last:
            raise PromotionError(N_("Each tier needs a higher minimum spend than the one before."), field=field)
        last = min_spend
        tiers.append({"min_spend": min_spend, "save": save, "percent": percent})
    return tiers


async def enqueue(c, function: str, when: datetime, key: str, **kwargs) -> None:
    """A timed step, once per key; losing it is survivable: the minutely sweep does every step too."""
    try:
        await c.queue.enqueue(function, key=key, scheduled=int(when.timestamp()), retries=3, **kwargs)
    except Exception:
        log.exception("could not schedule %s (%s)", function, key)


async def announce(c, scope: str, reason: str, **ids) -> None:
    await c.events.publish(events.CHANGED, events.changed(scope, reason, **ids))


async def closed_shops(c, shop_ids) -> set[str]:
    """Which of these shops are suspended (or gone): their promotions and coupons apply nowhere meanwhile.
    Asked of the shops domain each time, so a suspension stops them at once and a reinstatement brings back
    whatever is still within its window; nothing of the promotions themselves is changed."""
    wanted = sorted({shop_id for shop_id in shop_ids if shop_id})
    found = await shops_services.shops_by_ids(c.shops, wanted) if wanted else {}
    return {shop_id for shop_id in wanted if shop_id not in found or not found[shop_id].is_public}
