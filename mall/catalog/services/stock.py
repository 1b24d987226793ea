"""Stock moves for checkouts (written by the orders area): never below zero, each move applied once.

take_stock is one conditional update (`stock >= qty`); with a `move_id` the product records the move in the
same update, so a caller that crashed can learn whether its move happened (stock_move_applied) and a
repeated move changes nothing. Callers forget the move id once their own records say it happened."""

from __future__ import annotations

from mall.catalog import repository
from mall.catalog.repository import ProductRepository


def _qty(qty) -> int:
    if type(qty) is not int or qty <= 0:
        raise ValueError("qty must be a positive integer")
    return qty


async def take_stock(
    products: ProductRepository, product_id: str, variant_id: str, qty: int, *, move_id: str | None = None
) -> bool:
    """True when `qty` units were taken; False (nothing changed) when fewer are left or the move was done."""
    return await repository.take_stock(products, product_id, variant_id, _qty(qty), move_id=move_id)


async def restore_stock(
    products: ProductRepository, product_id: str, variant_id: str, qty: int, *, move_id: str | None = None
) -> bool:
    """True when `qty` units went back; False when the variant no longer exists or the move was done."""
    return await repository.restore_stock(products, product_id, variant_id, _qty(qty), move_id=move_id)


async def stock_move_applied(products: ProductRepository, product_id: str, move_id: str) -> bool:
    return await repository.stock_move_applied(products, product_id, move_id)


async def forget_stock_move(products: ProductRepository, product_id: str, move_id: str) -> None:
    await repository.forget_stock_move(products, product_id, move_id)


async def variant_stock(products: ProductRepository, product_id: str, variant_id: str) -> tuple[str, str, int] | None:
    """(shop_id, sku, units left) of one SKU, whatever the product's status."""
    product = await products.get(product_id)
    variant = next((v for v in product.variants if v.id == variant_id), None) if product else None
    return (product.shop_id, variant.sku, variant.stock) if variant else None
