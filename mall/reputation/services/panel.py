"""What the storefront shows of a shop's reputation: its DSR against its category and its stored health score,
with the components' names to explain it."""

from __future__ import annotations

from dataclasses import dataclass, field

from mall.reputation.components import BY_KEY
from mall.reputation.models import Health
from mall.reputation.services import standing
from mall.reviews import services as reviews


@dataclass
class Standing:
    dsr: reviews.ShopDsr
    health: Health | None
    components: dict = field(default_factory=lambda: dict(BY_KEY))


async def standing_of(c, shop_id: str) -> Standing:
    return Standing(await reviews.shop_dsr(c, shop_id), await standing.health_of(c, shop_id))


async def standings(c, shop_ids: list[str]) -> dict[str, Standing]:
    healths = await standing.for_shops(c, shop_ids)
    return {
        shop_id: Standing(await reviews.shop_dsr(c, shop_id), healths.get(shop_id))
        for shop_id in dict.fromkeys(shop_ids)
    }
