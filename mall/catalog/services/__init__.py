"""Catalog use cases. Other areas call these (repositories are passed in, see mall.bootstrap):

search_products(products, categories, query: SearchQuery) -> SearchPage   (one page and aggregates from the database)
newest_with_pictures(products, shop_ids) -> list[Product]                 (the home page: one product per shop)
get_public_product(products, product_id) -> Product | None
products_by_ids(products, ids) -> list[Product]
get_attribute_defs(attribute_sets, shop_id) -> list[AttributeDef]
attribute_defs_for_shops(attribute_sets, shop_ids) -> dict[str, list[AttributeDef]]
set_shop_visibility(products, shop_id, visible) -> int
count_products(products, shop_id) -> int
list_categories / category_tree / get_category_by_slug / descendant_ids (categories, ...)
create_category(categories, *, slug, name, parent_id=None) -> Category
save_attribute_defs(attribute_sets, clock, shop_id, defs) -> list[AttributeDef]
create_product(products, categories, attribute_sets, clock, *, shop_id, draft, status=LISTED,
               shop_visible=True | async () -> bool) -> Product
finish_reindexing(categories, products) -> int   (the minutely repair of renames cut short)
update_product(products, categories, attribute_sets, clock, *, shop_id, product_id, draft) -> Product
set_review_figures(products, product_id, *, rating, count, sold, version) -> bool   (the reviews domain's copy)
main_category(products, categories, shop_id) / top_category_of(categories, category_id) -> str | None
"""

from __future__ import annotations

from mall.catalog.services.attributes import (
    attribute_defs_for_shops,
    check_attribute_defs,
    get_attribute_defs,
    save_attribute_defs,
)
from mall.catalog.services.categories import (
    build_tree,
    category_tree,
    create_category,
    delete_category,
    descendant_ids,
    finish_reindexing,
    get_category,
    get_category_by_slug,
    list_categories,
    move_category,
    rename_category,
    subtree_ids,
    trail,
)
from mall.catalog.services.errors import Busy, CategoryInUse, InvalidInput, NotFound
from mall.catalog.services.figures import main_category, set_review_figures, top_category_of
from mall.catalog.services.products import (
    check_product,
    count_needing_attention,
    count_products,
    create_product,
    delete_product,
    draft_from,
    get_merchant_product,
    merchant_products,
    set_product_status,
    set_shop_visibility,
    update_product,
)
from mall.catalog.services.queries import (
    facet_value,
    get_public_product,
    newest_with_pictures,
    products_by_ids,
    search_products,
)

__all__ = [
    "Busy",
    "CategoryInUse",
    "InvalidInput",
    "NotFound",
    "attribute_defs_for_shops",
    "build_tree",
    "category_tree",
    "check_attribute_defs",
    "check_product",
    "count_needing_attention",
    "count_products",
    "create_category",
    "create_product",
    "delete_category",
    "delete_product",
    "descendant_ids",
    "draft_from",
    "facet_value",
    "finish_reindexing",
    "get_attribute_defs",
    "get_category",
    "get_category_by_slug",
    "get_merchant_product",
    "get_public_product",
    "list_categories",
    "main_category",
    "merchant_products",
    "move_category",
    "newest_with_pictures",
    "products_by_ids",
    "rename_category",
    "save_attribute_defs",
    "search_products",
    "set_product_status",
    "set_review_figures",
    "set_shop_visibility",
    "subtree_ids",
    "top_category_of",
    "trail",
    "update_product",
]

# Stock moves for checkout (orders area): take_stock / restore_stock(products, product_id, variant_id, qty,
# *, move_id=None) -> bool; stock_move_applied / forget_stock_move(products, product_id, move_id).
from mall.catalog.services.stock import (
    forget_stock_move,
    restore_stock,
    stock_move_applied,
    take_stock,
    variant_stock,
)

__all__ += ["forget_stock_move", "restore_stock", "stock_move_applied", "take_stock", "variant_stock"]
