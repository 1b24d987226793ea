"""Each shop's shipping fee: the merchant's template, or the platform default
(flat NT$60, free from NT$1,000) while the shop has none."""

from __future__ import annotations

from mall.orders.models import REGIONS, ShippingTemplate, default_template

MAX_FEE = 10_000_00  # NT$10,000: a typo guard, not a business rule


class InvalidTemplate(Exception):
    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


async def template_for(shipping, shop_id: str) -> ShippingTemplate:
    return await shipping.get(shop_id) or default_template(shop_id)


async def templates_for(shipping, shop_ids: list[str]) -> dict[str, ShippingTemplate]:
    found = await shipping.many(shop_ids) if shop_ids else {}
    return {shop_id: found.get(shop_id) or default_template(shop_id) for shop_id in shop_ids}


async def save_template(
    shipping, clock, *, shop_id: str, flat_fee: int, free_over: int | None, region_fees: dict[str, int]
) -> ShippingTemplate:
    """Store `shop_id`'s template (the caller's own shop, from the session)."""
    if not 0 <= flat_fee <= MAX_FEE:
        raise InvalidTemplate("flat_fee")
    if free_over is not None and not 0 < free_over <= 100 * MAX_FEE:
        raise InvalidTemplate("free_over")
    for region, fee in region_fees.items():
        if region not in REGIONS or not 0 <= fee <= MAX_FEE:
            raise InvalidTemplate(f"region_fees.{region}")
    template = ShippingTemplate(
        shop_id=shop_id, flat_fee=flat_fee, free_over=free_over, region_fees=dict(region_fees), updated_at=clock.now()
    )
    await shipping.save(template)
    return template
