"""What other areas keep about products and the catalog stores for search: the reviews domain's rating and
sold figures (copied onto each product, so "4★ and up" and the rating / sales sorts are indexed fields),
and the category a shop mostly sells in (the platform comparison of shop ratings)."""

from __future__ import annotations

from collections import Counter

from mall.catalog.repository import CategoryRepository, ProductRepository
from mall.catalog.services.categories import list_categories, trail


async def set_review_figures(
    products: ProductRepository, product_id: str, *, rating: float | None, count: int, sold: int, version: int
) -> bool:
    """Store the figures of `version` on the product unless a later version is there already."""
    return await products.set_review_figures(product_id, rating=rating, count=count, sold=sold, version=version)


async def top_category_of(categories: CategoryRepository, category_id: str | None) -> str | None:
    """The top-level category `category_id` sits under (itself when it is one)."""
    if not category_id:
        return None
    path = trail(await list_categories(categories), category_id)
    return path[0].id if path else None


async def main_category(products: ProductRepository, categories: CategoryRepository, shop_id: str) -> str | None:
    """The top-level category most of the shop's products are in (None without categorised products)."""
    counts: Counter[str] = Counter()
    everything = await list_categories(categories)
    for category_id, n in (await products.categories_of_shop(shop_id)).items():
        path = trail(everything, category_id) if category_id else []
        if path:
            counts[path[0].id] += n
    return min(counts, key=lambda key: (-counts[key], key)) if counts else None
