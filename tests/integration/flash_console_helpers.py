"""Forms and sales for the console page tests. The clock stands at 2026-11-24 12:00 UTC = 20:00 in Taipei
(the configured zone), so local form times are eight hours ahead of the UTC ones."""

from __future__ import annotations

from datetime import timedelta

from mall.flash_sales import services as flash

LATER = ("2026-11-24T21:00", "2026-11-24T23:00")  # 13:00-15:00 UTC: starts in an hour
NOW = ("2026-11-24T19:00", "2026-11-24T23:00")  # started an hour ago: running


def sale_form(product, *, variant: int = 0, price="99", quantity="5", limit="1", window=LATER, **extra) -> dict:
    return {
        "sku": f"{product.id}.{product.variants[variant].id}",
        "price": price,
        "quantity": quantity,
        "per_user_limit": limit,
        "starts_at": window[0],
        "ends_at": window[1],
        **extra,
    }


def edit_form(*, price="99", quantity="5", limit="1", window=LATER, **extra) -> dict:
    return {"price": price, "quantity": quantity, "per_user_limit": limit, "starts_at": window[0], "ends_at": window[1],
            **extra}  # fmt: skip


async def featured_sale(c, product, marketer, *, quantity=4, starts_in=3600, lasts=7200, price=9900):
    """A marketer's platform-featured sale (pending approval while flash_featured_approval is on)."""
    now = c.clock.now()
    return await flash.create_sale(
        c,
        actor_id=marketer.id,
        product_id=product.id,
        variant_id=product.variants[0].id,
        price=price,
        quantity=quantity,
        per_user_limit=1,
        starts_at=now + timedelta(seconds=starts_in),
        ends_at=now + timedelta(seconds=starts_in + lasts),
        featured=True,
    )


async def sale_count(c) -> int:
    return await c.flash_sales.sales.count_documents({})
