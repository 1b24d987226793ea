"""Reading stored health scores. This module imports no other domain, so the campaign and flash-sale
services may ask it whether a shop meets a minimum without pulling in what the scores are computed from."""

from __future__ import annotations

from mall.infra.ids import is_id
from mall.infra.text import N_
from mall.reputation.models import Health, would_enter

REFUSALS = {
    "new_shop": N_("This needs a shop health score of at least %(minimum)d; your shop has no score yet (too few "
                   "orders so far)."),
    "below": N_("This needs a shop health score of at least %(minimum)d; your shop's score is %(score)d."),
}  # fmt: skip


async def health_of(c, shop_id: str) -> Health | None:
    return await c.health.get(shop_id) if is_id(shop_id) else None


async def for_shops(c, shop_ids: list[str]) -> dict[str, Health]:
    ids = [i for i in dict.fromkeys(shop_ids) if is_id(i)]
    return await c.health.many(ids) if ids else {}


async def refusal_for_minimum(c, shop_id: str, minimum: int | None) -> tuple[str, dict] | None:
    """(message, its parameters) when the shop's score is under `minimum` (or it has none); None when it may."""
    health = await health_of(c, shop_id)
    why = would_enter(health, minimum)
    if why is None:
        return None
    return REFUSALS[why], {"minimum": int(minimum), "score": health.score if health and health.score else 0}
