"""A shop's own promotions: 限時折扣 (a lower price on chosen SKUs for a time) and 滿減 (spend thresholds).

Always within the merchant's own shop (shop_id from the session); the announcements of their start
and end are timed jobs (lifecycle.py), so open pages change their prices at the second."""

from __future__ import annotations

from datetime import datetime

from mall.catalog import services as catalog
from mall.infra.ids import is_id, new_id
from mall.infra.text import N_
from mall.promotions.records import Control, ShopPromotion, ShopPromotionKind
from mall.promotions.services.common import PromotionError, check_amount, check_percent, check_tiers, check_window
from mall.promotions.services.lifecycle import schedule_announcements

NOT_FOUND = N_("No such promotion.")


async def _variants_of_shop(c, shop_id: str, product_ids: list[str], variant_ids: list[str]) -> list[str]:
    """The chosen SKUs of this shop's products (every SKU of a product none of whose SKUs is chosen)."""
    products = await catalog.products_by_ids(c.products, product_ids, include_hidden=True)
    if not product_ids or len(products) != len(set(product_ids)) or any(p.shop_id != shop_id for p in products):
        raise PromotionError(N_("Choose products of your own shop."), field="product_ids")
    known = {v.id: p for p in products for v in p.variants}
    if any(v not in known for v in variant_ids):
        raise PromotionError(N_("Choose SKUs of the chosen products."), field="variant_ids")
    chosen = set(variant_ids)
    out = []
    for product in products:  # a product with SKUs ticked: those; without: every SKU of it
        mine = [v.id for v in product.variants if v.id in chosen]
        out += mine or [v.id for v in product.variants]
    return out


async def create_limited_time(
    c,
    *,
    shop_id: str,
    actor_id: str,
    name: str,
    product_ids: list[str],
    variant_ids: list[str] = (),
    percent_off: int | None = None,
    fixed_price: int | None = None,
    starts_at: datetime,
    ends_at: datetime,
) -> ShopPromotion:
    """限時折扣: percent_off (1-99) or a fixed_price on the chosen SKUs, between starts_at and ends_at."""
    if (percent_off is None) == (fixed_price is None):
        raise PromotionError(N_("Give a percentage off or a fixed price."), field="percent_off")
    if percent_off is not None:
        check_percent(percent_off, "percent_off")
    if fixed_price is not None:
        check_amount(fixed_price, "fixed_price", minimum=1)
    promotion = ShopPromotion(
        id=new_id(),
        shop_id=shop_id,
        kind=ShopPromotionKind.LIMITED_TIME,
        name=_name(name),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor_id,
        created_at=c.clock.now(),
        variant_ids=await _variants_of_shop(c, shop_id, list(product_ids), list(variant_ids)),
        percent_off=percent_off,
        fixed_price=fixed_price,
    )
    return await _add(c, promotion)


async def create_threshold(
    c,
    *,
    shop_id: str,
    actor_id: str,
    name: str,
    tiers: list[dict],
    free_shipping: bool = False,
    starts_at: datetime,
    ends_at: datetime,
) -> ShopPromotion:
    """滿減: tiers such as 滿 300 減 30 / 滿 500 減 60, or a percentage over an amount; optionally free shipping."""
    promotion = ShopPromotion(
        id=new_id(),
        shop_id=shop_id,
        kind=ShopPromotionKind.SPEND_THRESHOLD,
        name=_name(name),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor_id,
        created_at=c.clock.now(),
        tiers=check_tiers(tiers),
        free_shipping=bool(free_shipping),
    )
    return await _add(c, promotion)


def _name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise PromotionError(N_("Give it a name of up to 60 characters."), field="name")
    return name


async def _add(c, promotion: ShopPromotion) -> ShopPromotion:
    promotion.starts_at, promotion.ends_at = check_window(c, promotion.starts_at, promotion.ends_at)
    promotion.engine()  # the engine's own checks, once more
    await c.promotions.add_promotion(promotion)
    await schedule_announcements(c, "promotion", promotion.id, promotion.starts_at, promotion.ends_at)
    return promotion


async def shop_promotion(c, shop_id: str, promotion_id: str) -> ShopPromotion:
    found = await c.promotions.promotion(promotion_id, shop_id=shop_id) if is_id(promotion_id) else None
    if found is None:
        raise PromotionError(NOT_FOUND, 404)
    return found


async def set_control(c, *, shop_id: str, promotion_id: str, control: Control) -> ShopPromotion:
    """Pause, resume or stop (for good) a promotion of this shop; prices on open pages follow at once."""
    from mall.promotions.services.common import announce

    current = await shop_promotion(c, shop_id, promotion_id)
    if current.control == Control.STOPPED:
        raise PromotionError(N_("A stopped promotion cannot change any more."), 409)
    changed = await c.promotions.update_promotion(promotion_id, shop_id, {"control": control})
    if changed is None:
        raise PromotionError(N_("A stopped promotion cannot change any more."), 409)
    reason = {Control.PAUSED: "paused", Control.ACTIVE: "resumed", Control.STOPPED: "stopped"}[control]
    await announce(c, "shop", reason, shop_id=shop_id, promotion_id=promotion_id)
    return changed


async def shop_promotions(c, shop_id: str) -> list[ShopPromotion]:
    return await c.promotions.shop_promotions(shop_id)
