"""The platform's category tree, kept by operators. Slugs never change (they are public URLs)."""

from __future__ import annotations

import re

from mall.catalog.models import Category, CategoryNode
from mall.catalog.repository import CategoryRepository, ProductRepository, SlugTaken
from mall.catalog.search import product_terms
from mall.catalog.services.errors import CategoryInUse, InvalidInput, NotFound
from mall.infra.ids import is_id, new_id
from mall.infra.text import N_

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
NAME_MAX = 60
MAX_DEPTH = 3
LANGS = ("en", "zh_Hant")


async def list_categories(categories: CategoryRepository) -> list[Category]:
    """Every category, ordered by position then slug (parents and children mixed)."""
    return await categories.all()


async def category_tree(categories: CategoryRepository) -> list[CategoryNode]:
    """Top-level categories with their children nested, each level in position order."""
    return build_tree(await categories.all())


def build_tree(all_categories: list[Category]) -> list[CategoryNode]:
    nodes = {c.id: CategoryNode(c) for c in all_categories}
    roots: list[CategoryNode] = []
    for category in all_categories:
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(nodes[category.id])
    return roots


async def get_category(categories: CategoryRepository, category_id: str) -> Category | None:
    return await categories.get(category_id) if is_id(category_id) else None


async def get_category_by_slug(categories: CategoryRepository, slug: str) -> Category | None:
    return await categories.by_slug(slug) if isinstance(slug, str) and SLUG_RE.match(slug) else None


async def descendant_ids(categories: CategoryRepository, category_id: str) -> list[str]:
    """The category and everything below it (what a category filter matches)."""
    return subtree_ids(await categories.all(), category_id)


def subtree_ids(all_categories: list[Category], category_id: str) -> list[str]:
    found = [category_id]
    for current in found:
        found.extend(c.id for c in all_categories if c.parent_id == current and c.id not in found)
    return found


def trail(all_categories: list[Category], category_id: str | None) -> list[Category]:
    """The category and its ancestors, root first."""
    by_id = {c.id: c for c in all_categories}
    path: list[Category] = []
    current = by_id.get(category_id) if category_id else None
    while current is not None and current not in path:
        path.insert(0, current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return path


def check_name(name: dict) -> dict[str, str]:
    errors = {}
    for lang in LANGS:
        value = name.get(lang, "")
        if not isinstance(value, str) or not value.strip():
            errors[f"name_{lang}"] = N_("Enter the name in both languages.")
        elif len(value.strip()) > NAME_MAX:
            errors[f"name_{lang}"] = N_("At most 60 characters.")
    return errors


async def create_category(
    categories: CategoryRepository, *, slug: str, name: dict[str, str], parent_id: str | None = None
) -> Category:
    """Add a category at the end of its siblings; raises InvalidInput (slug taken, bad parent, names)."""
    errors = check_name(name)
    if not SLUG_RE.match(slug or ""):
        errors["slug"] = N_("1–48 characters: lowercase letters, digits and hyphens.")
    everything = await categories.all()
    if parent_id:
        parent = next((c for c in everything if c.id == parent_id), None)
        if parent is None:
            errors["parent_id"] = N_("Choose a parent from the list.")
        elif len(trail(everything, parent.id)) >= MAX_DEPTH:
            errors["parent_id"] = N_("Categories go at most three levels deep.")
    if errors:
        raise InvalidInput(errors)
    siblings = [c for c in everything if c.parent_id == (parent_id or None)]
    category = Category(
        id=new_id(),
        slug=slug,
        name={lang: name[lang].strip() for lang in LANGS},
        parent_id=parent_id or None,
        position=max((c.position for c in siblings), default=-1) + 1,
    )
    try:
        await categories.add(category)
    except SlugTaken:
        raise InvalidInput({"slug": N_("Another category already uses this address.")}) from None
    return category


async def rename_category(
    categories: CategoryRepository, products: ProductRepository, category_id: str, *, name: dict[str, str]
) -> Category:
    """New names in both languages; the search terms of the products filed under it (and under its
    subcategories) are rebuilt. The rename carries the intent to rebuild, cleared once the rebuild is done,
    so a rebuild cut short (a crash) is finished by `finish_reindexing`."""
    errors = check_name(name)
    if errors:
        raise InvalidInput(errors)
    if not is_id(category_id):
        raise NotFound(category_id)
    token = new_id()
    category = await categories.rename(category_id, {lang: name[lang].strip() for lang in LANGS}, token)
    if category is None:
        raise NotFound(category_id)
    await _reindex(categories, products, category.id, token)
    return category


async def finish_reindexing(categories: CategoryRepository, products: ProductRepository) -> int:
    """The minutely repair: rebuild the terms under every rename whose rebuild never finished; how many."""
    found = await categories.to_reindex()
    for category_id, token in found:
        await _reindex(categories, products, category_id, token)
    return len(found)


async def _reindex(categories: CategoryRepository, products: ProductRepository, category_id: str, token: str) -> None:
    await reindex_categories(categories, products, await descendant_ids(categories, category_id))
    await categories.reindexed(category_id, token)


REINDEX_BATCH = 500  # products whose terms are written in one round trip


async def reindex_categories(categories: CategoryRepository, products: ProductRepository, ids: list[str]) -> None:
    """Terms from the categories' names now. Each product's write is conditional on the revision read, so a
    merchant's save in between is never overwritten with terms of its old texts (that save, in turn, checks
    the category names again after it is stored: see products.update_product)."""
    everything = await categories.all()
    rows = await products.in_categories(ids)
    for start in range(0, len(rows), REINDEX_BATCH):
        batch = []
        for row in rows[start : start + REINDEX_BATCH]:
            terms, weights = product_terms(
                names=[v for v in (row.get("name") or {}).values() if v],
                categories=category_texts(everything, row.get("category_id")),
                details=[
                    *(v for v in (row.get("attributes") or {}).values() if isinstance(v, str)),
                    *(v.get("sku", "") for v in row.get("variants", [])),
                ],
            )
            batch.append((row["_id"], terms, weights, row.get("rev")))
        await products.set_terms_many(batch)


def category_texts(all_categories: list[Category], category_id: str | None) -> list[str]:
    return [text for c in trail(all_categories, category_id) for text in c.name.values()]


async def move_category(categories: CategoryRepository, category_id: str, *, up: bool) -> None:
    """Swap with the previous (or next) sibling; positions are renumbered 0..n-1 on the way."""
    everything = await categories.all()
    category = next((c for c in everything if c.id == category_id), None)
    if category is None:
        raise NotFound(category_id)
    siblings = [c for c in everything if c.parent_id == category.parent_id]
    index = siblings.index(category)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            await categories.set_fields(sibling.id, position=position)


async def delete_category(categories: CategoryRepository, products: ProductRepository, category_id: str) -> None:
    """Only an empty leaf goes: raises CategoryInUse when products or subcategories are filed under it."""
    category = await get_category(categories, category_id)
    if category is None:
        raise NotFound(category_id)
    if await categories.has_children(category.id):
        raise CategoryInUse(N_("It still has subcategories: move or delete them first."))
    count = await products.count_in_category(category.id)
    if count:
        raise CategoryInUse(N_("Products are still filed under it: move them to another category first."))
    await categories.delete(category.id)
