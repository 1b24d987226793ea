"""Categories, attribute schemas and products in MongoDB.

Every product read or write a merchant makes filters by `shop_id` as well as `_id`, so another shop's id
simply matches nothing. Products carry denormalized `min_price` / `max_price` (filters, sorts) and search
`terms` / `term_weights`, all derived here from the variants and texts the services pass in.

Search reads one page from the database: the filter (`search_filter`) and the sort run there, on an index for
each shopper's sort (newest, price, rating, sales); best match sums the stored weights of the query's terms in
an aggregation and keeps the top of it. Counts and facets are aggregates: no request loads every match."""

from __future__ import annotations

import re
from dataclasses import asdict

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

from mall.catalog.models import AttributeDef, AttrType, Category, Product, ProductStatus, Sort, Variant
from mall.infra import mongo


class SlugTaken(Exception):
    pass


class SkuTaken(Exception):
    """A SKU code is already used by another product of the same shop."""

    def __init__(self, sku: str = ""):
        super().__init__(sku)
        self.sku = sku


class CategoryRepository:
    def __init__(self, db):
        self.categories = db["categories"]

    async def ensure_indexes(self) -> None:
        await self.categories.create_index("slug", unique=True)
        await self.categories.create_index([("parent_id", ASCENDING), ("position", ASCENDING)])

    async def add(self, category: Category) -> None:
        doc = {k: v for k, v in asdict(category).items() if k != "id"}
        try:
            await self.categories.insert_one({"_id": category.id, **doc})
        except DuplicateKeyError as exc:
            raise SlugTaken(category.slug) from exc

    async def all(self) -> list[Category]:
        cursor = self.categories.find({}).sort([("position", ASCENDING), ("slug", ASCENDING)])
        return [_category(doc) async for doc in cursor]

    async def get(self, category_id: str) -> Category | None:
        doc = await self.categories.find_one({"_id": str(category_id)})
        return _category(doc) if doc else None

    async def by_slug(self, slug: str) -> Category | None:
        doc = await self.categories.find_one({"slug": str(slug)})
        return _category(doc) if doc else None

    async def set_fields(self, category_id: str, **fields) -> Category | None:
        doc = await self.categories.find_one_and_update(
            {"_id": str(category_id)}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return _category(doc) if doc else None

    async def rename(self, category_id: str, name: dict[str, str], reindex: str) -> Category | None:
        """New names, with the intent to rebuild its products' search terms (`reindex`, a token) in the same
        write: a rebuild cut short by a crash is found and finished (see `to_reindex`)."""
        return await self.set_fields(category_id, name=name, reindex=reindex)

    async def to_reindex(self) -> list[tuple[str, str]]:
        """(category id, token) of every rename whose products' terms are not rebuilt yet."""
        cursor = self.categories.find({"reindex": {"$exists": True}}, {"reindex": 1})
        return [(doc["_id"], doc["reindex"]) async for doc in cursor]

    async def reindexed(self, category_id: str, token: str) -> None:
        """The rebuild for `token` is done (a newer rename keeps its own token until its rebuild is done)."""
        await self.categories.update_one({"_id": str(category_id), "reindex": token}, {"$unset": {"reindex": ""}})

    async def has_children(self, category_id: str) -> bool:
        return await self.categories.count_documents({"parent_id": str(category_id)}, limit=1) > 0

    async def delete(self, category_id: str) -> bool:
        return (await self.categories.delete_one({"_id": str(category_id)})).deleted_count == 1


def _category(doc: dict) -> Category:
    return Category(
        id=doc["_id"],
        slug=doc["slug"],
        name=dict(doc.get("name") or {}),
        parent_id=doc.get("parent_id"),
        position=int(doc.get("position", 0)),
    )


class AttributeSetRepository:
    """One document per shop: `{_id: shop_id, defs: [...], updated_at}`."""

    def __init__(self, db):
        self.sets = db["attribute_sets"]

    async def ensure_indexes(self) -> None:
        return None  # looked up by _id only

    async def get(self, shop_id: str) -> list[AttributeDef]:
        doc = await self.sets.find_one({"_id": str(shop_id)})
        return [_definition(d) for d in doc.get("defs", [])] if doc else []

    async def for_shops(self, shop_ids: list[str]) -> dict[str, list[AttributeDef]]:
        cursor = self.sets.find({"_id": {"$in": [str(i) for i in shop_ids]}})
        return {doc["_id"]: [_definition(d) for d in doc.get("defs", [])] async for doc in cursor}

    async def save(self, shop_id: str, defs: list[AttributeDef], now) -> None:
        plain = [{**asdict(d), "type": d.type.value} for d in defs]
        await self.sets.update_one({"_id": str(shop_id)}, {"$set": {"defs": plain, "updated_at": now}}, upsert=True)


def _definition(doc: dict) -> AttributeDef:
    return AttributeDef(
        key=doc["key"],
        label=doc.get("label", doc["key"]),
        type=AttrType(doc.get("type", "text")),
        unit=doc.get("unit", ""),
        required=bool(doc.get("required", False)),
        options=list(doc.get("options") or []),
        can_be_negative=bool(doc.get("can_be_negative", False)),
        labels={k: v for k, v in (doc.get("labels") or {}).items() if isinstance(v, str) and v},
    )


SORTS = {"updated": [("updated_at", DESCENDING), ("_id", DESCENDING)]}
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]  # breaks every tie, so pages never overlap
SEARCH_SORTS = {
    Sort.NEWEST: NEWEST_FIRST,
    Sort.RELEVANCE: NEWEST_FIRST,  # without search terms; with them, the stored weights first (see search_page)
    Sort.PRICE_ASC: [("min_price", ASCENDING), *NEWEST_FIRST],
    Sort.PRICE_DESC: [("min_price", DESCENDING), *NEWEST_FIRST],
    Sort.RATING: [("rating_avg", DESCENDING), ("rating_count", DESCENDING), *NEWEST_FIRST],  # unrated last
    Sort.SALES: [("sold", DESCENDING), *NEWEST_FIRST],
}
# What a shown product never needs. Pass a copy: mongomock writes into a projection it is given.
PAGE_FIELDS = {"terms": 0, "term_weights": 0, "stock_moves": 0}
SAFE_TERM = re.compile(r"^[^.$\x00]+$")


def search_filter(
    *,
    terms: list[str],
    category_ids: list[str] | None,
    shop_id: str | None,
    min_price: int | None,
    max_price: int | None,
    min_rating: int | None = None,
    attrs: dict[str, list[str]] | None = None,
) -> dict:
    """The MongoDB filter of a shopper's search: public products with every term, in these categories, of this
    shop, in the price range, rated at least `min_rating`, and with one of the chosen values of each attribute
    (`attrs`: key -> facet strings, keys already checked against KEY_RE)."""
    query: dict = dict(PUBLIC)
    if terms:
        query["terms"] = {"$all": [str(t) for t in terms]}
    if category_ids is not None:
        query["category_id"] = {"$in": [str(i) for i in category_ids]}
    if shop_id is not None:
        query["shop_id"] = str(shop_id)
    price: dict = {}
    if min_price is not None:
        price["$gte"] = int(min_price)
    if max_price is not None:
        price["$lte"] = int(max_price)
    if price:
        query["min_price"] = price
    if min_rating is not None:
        query["rating_avg"] = {"$gte": float(min_rating)}
    for key, values in sorted((attrs or {}).items()):
        query[f"attributes.{key}"] = {"$in": [stored for value in values for stored in stored_values(value)]}
    return query


def stored_values(value: str) -> list:
    """What an attribute stored as may look like for a facet string: "true" is true, "12" is 12 too."""
    found: list = [str(value)]
    if value in ("true", "false"):
        found.append(value == "true")
    elif re.fullmatch(r"-?\d{1,15}", value):
        found.append(int(value))
    return found


class ProductRepository:
    def __init__(self, db):
        self.products = db["products"]
        self.attribute_sets = AttributeSetRepository(db)  # facet labels for search

    async def ensure_indexes(self) -> None:
        p = self.products
        await p.create_index("shop_id")
        await p.create_index([("status", ASCENDING), ("shop_visible", ASCENDING)])
        await p.create_index("terms")
        await p.create_index("category_id")
        for sort in (Sort.NEWEST, Sort.PRICE_ASC, Sort.PRICE_DESC, Sort.RATING, Sort.SALES):  # a page per sort
            await p.create_index([("status", ASCENDING), ("shop_visible", ASCENDING), *SEARCH_SORTS[sort]])
        await p.create_index([("shop_id", ASCENDING), ("status", ASCENDING), *NEWEST_FIRST])  # shop pages, home
        await p.create_index([("shop_id", ASCENDING), ("variants.sku", ASCENDING)], unique=True)

    async def add(self, product: Product, *, terms: list[str], weights: dict[str, int], rev: str) -> None:
        """`rev` names this version of the texts the search terms come from (see `set_terms`)."""
        await self._guard_skus(product)
        doc = {**to_doc(product, terms=terms, weights=weights), **NO_FIGURES_YET}
        try:
            await self.products.insert_one({**doc, "rev": rev})
        except DuplicateKeyError as exc:
            raise SkuTaken() from exc

    async def replace(
        self, product: Product, *, terms: list[str], weights: dict[str, int], expected: list[Variant], rev: str
    ) -> bool:
        """Store the edited product, within its own shop, only while its variants' stock is still `expected`
        (stock moves by checkouts are not overwritten); False when that no longer holds or there is no product."""
        await self._guard_skus(product)
        doc = {**to_doc(product, terms=terms, weights=weights), "rev": rev}
        for fixed in ("_id", "shop_id", "created_at", "shop_visible"):
            doc.pop(fixed)
        unchanged = [{"$elemMatch": {"id": v.id, "stock": v.stock}} for v in expected]
        query = {"_id": product.id, "shop_id": product.shop_id, "variants": {"$size": len(expected)}}
        if unchanged:
            query["variants"]["$all"] = unchanged
        try:
            result = await self.products.update_one(query, {"$set": doc})
        except DuplicateKeyError as exc:
            raise SkuTaken() from exc
        return result.matched_count == 1

    async def _guard_skus(self, product: Product) -> None:
        """The unique index enforces this on MongoDB; the embedded database does not index arrays uniquely."""
        skus = [v.sku for v in product.variants]
        clash = await self.products.find_one(
            {"shop_id": product.shop_id, "variants.sku": {"$in": skus}, "_id": {"$ne": product.id}},
            {"variants.sku": 1},
        )
        if clash:
            taken = {v["sku"] for v in clash.get("variants", [])}
            raise SkuTaken(next((s for s in skus if s in taken), ""))

    async def get(self, product_id: str, *, shop_id: str | None = None, public: bool = False) -> Product | None:
        query: dict = {"_id": str(product_id)}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        if public:
            query.update(PUBLIC)
        doc = await self.products.find_one(query)
        return from_doc(doc) if doc else None

    async def many(self, ids: list[str], *, public: bool = True) -> list[Product]:
        query: dict = {"_id": {"$in": [str(i) for i in ids]}}
        if public:
            query.update(PUBLIC)
        return [from_doc(doc) async for doc in self.products.find(query)]

    async def merchant_page(
        self, shop_id: str, *, status: ProductStatus | None, skip: int, limit: int
    ) -> tuple[list[Product], int]:
        query: dict = {"shop_id": str(shop_id)}
        if status is not None:
            query["status"] = status.value
        total = await self.products.count_documents(query)
        cursor = self.products.find(query).sort(SORTS["updated"]).skip(skip).limit(limit)
        return [from_doc(doc) async for doc in cursor], total

    async def search_page(self, query: dict, *, sort: Sort, terms: list[str], skip: int, limit: int) -> list[Product]:
        """One page of the products matching `query` (a `search_filter`), in the shopper's order. Best match with
        terms sums the stored weight of each term (`term_weights`) and sorts on that, then newest."""
        scored = [t for t in terms if SAFE_TERM.match(str(t))]
        if sort is Sort.RELEVANCE and scored:
            score = {"$add": [{"$ifNull": [f"$term_weights.{t}", 0]} for t in scored]}
            pipeline = [
                {"$match": query},
                {"$addFields": {"_score": score}},
                {"$sort": {"_score": -1, **dict(NEWEST_FIRST)}},
                {"$skip": skip},
                {"$limit": limit},
                {"$project": {"_score": 0, **PAGE_FIELDS}},
            ]
            return [from_doc(doc) async for doc in self.products.aggregate(pipeline)]
        cursor = self.products.find(query, {**PAGE_FIELDS}).sort(SEARCH_SORTS[sort]).skip(skip).limit(limit)
        return [from_doc(doc) async for doc in cursor]

    async def count(self, query: dict) -> int:
        return await self.products.count_documents(query)

    async def count_per_shop(self, query: dict) -> dict[str, int]:
        """{shop id: products matching `query`}: one group per shop, however many products match."""
        pipeline = [{"$match": query}, {"$project": {"shop_id": 1}}, {"$group": {"_id": "$shop_id", "n": {"$sum": 1}}}]
        return {str(doc["_id"]): int(doc["n"]) async for doc in self.products.aggregate(pipeline)}

    async def newest_with_picture(self, shop_id: str) -> Product | None:
        query = {**PUBLIC, "shop_id": str(shop_id), "images.0": {"$exists": True}}
        doc = await self.products.find_one(query, {**PAGE_FIELDS}, sort=NEWEST_FIRST)
        return from_doc(doc) if doc else None

    async def facet_counts(self, query: dict, keys: list[str]) -> list[tuple[str, str, object, int]]:
        """(shop id, attribute key, stored value, products) for these attribute keys among the products matching
        `query`: one group per shop and value, however many products match."""
        if not keys:
            return []
        pipeline = [
            {"$match": query},
            {"$project": {"shop_id": 1, **{f"attributes.{k}": 1 for k in keys}}},
            {"$project": {"shop_id": 1, "pair": {"$objectToArray": {"$ifNull": ["$attributes", {}]}}}},
            {"$unwind": "$pair"},
            {"$match": {"pair.k": {"$in": [str(k) for k in keys]}}},
            {"$group": {"_id": {"shop": "$shop_id", "key": "$pair.k", "value": "$pair.v"}, "n": {"$sum": 1}}},
        ]
        found = self.products.aggregate(pipeline)
        return [(g["_id"]["shop"], g["_id"]["key"], g["_id"].get("value"), int(g["n"])) async for g in found]

    async def attributes_of_shop(self, shop_id: str) -> list[dict]:
        cursor = self.products.find({"shop_id": str(shop_id)}, {"_id": 1, "attributes": 1})
        return [doc async for doc in cursor]

    async def categories_of_shop(self, shop_id: str) -> dict[str | None, int]:
        """{category id: how many of the shop's listed products are filed there}, counted by the database."""
        pipeline = [
            {"$match": {"shop_id": str(shop_id), "status": ProductStatus.LISTED.value}},
            {"$group": {"_id": "$category_id", "n": {"$sum": 1}}},
        ]
        return {doc["_id"]: int(doc["n"]) async for doc in self.products.aggregate(pipeline)}

    async def in_categories(self, category_ids: list[str]) -> list[dict]:
        """{_id, name, category_id, attributes, variants.sku, rev} of every product in these categories (reindex)."""
        fields = {"_id": 1, "name": 1, "category_id": 1, "attributes": 1, "variants.sku": 1, "rev": 1}
        cursor = self.products.find({"category_id": {"$in": [str(i) for i in category_ids]}}, fields)
        return [doc async for doc in cursor]

    async def count_in_category(self, category_id: str) -> int:
        return await self.products.count_documents({"category_id": str(category_id)})

    async def count_for_shop(self, shop_id: str) -> int:
        return await self.products.count_documents({"shop_id": str(shop_id)})

    async def set_status(self, product_id: str, shop_id: str, status: ProductStatus, now) -> Product | None:
        doc = await self.products.find_one_and_update(
            {"_id": str(product_id), "shop_id": str(shop_id)},
            {"$set": {"status": status.value, "updated_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return from_doc(doc) if doc else None

    async def delete(self, product_id: str, shop_id: str) -> bool:
        result = await self.products.delete_one({"_id": str(product_id), "shop_id": str(shop_id)})
        return result.deleted_count == 1

    async def set_shop_visible(self, shop_id: str, visible: bool) -> int:
        """Every product of the shop; repeated after a failover (it leaves out what it already changed)."""
        result = await mongo.idempotent(
            lambda: self.products.update_many(
                {"shop_id": str(shop_id), "shop_visible": {"$ne": visible}}, {"$set": {"shop_visible": visible}}
            )
        )
        return result.modified_count

    async def set_visible(self, product_id: str, shop_id: str, visible: bool) -> None:
        """One product follows its shop's status (a product created while the shop was suspended or reinstated)."""
        query = {"_id": str(product_id), "shop_id": str(shop_id)}
        await self.products.update_one(query, {"$set": {"shop_visible": visible}})

    async def set_review_figures(
        self, product_id: str, *, rating: float | None, count: int, sold: int, version: int
    ) -> bool:
        """The reviews domain's figures, only ever forward: a copy older than the one stored is ignored."""
        query = {"_id": str(product_id), "$or": [{"figures_v": {"$exists": False}}, {"figures_v": {"$lt": version}}]}
        changes = {"rating_avg": rating, "rating_count": int(count), "sold": int(sold), "figures_v": int(version)}
        result = await self.products.update_one(query, {"$set": changes})
        return result.modified_count == 1

    async def set_terms(self, product_id: str, terms: list[str], weights: dict[str, int], *, rev: str | None) -> bool:
        """Store terms worked out from the product's texts as they were at `rev` (None: a product stored before
        revisions); False when the merchant has saved it since (that save's terms stand)."""
        query = {"_id": str(product_id), "rev": rev}
        result = await self.products.update_one(query, {"$set": {"terms": terms, "term_weights": weights}})
        return result.matched_count == 1

    async def set_terms_many(self, found: list[tuple[str, list[str], dict[str, int], str | None]]) -> int:
        """(product id, terms, weights, rev) of many products, in one round trip; each only while the product
        is still at the revision `rev` its texts were read at (None: never revised). -> how many were."""
        if not found:
            return 0
        ops = [
            UpdateOne({"_id": pid, "rev": rev}, {"$set": {"terms": terms, "term_weights": weights}})
            for pid, terms, weights, rev in found
        ]
        return (await self.products.bulk_write(ops, ordered=False)).matched_count


PUBLIC = {"status": ProductStatus.LISTED.value, "shop_visible": True}
NO_FIGURES_YET = {"rating_avg": None, "rating_count": 0, "sold": 0}  # so every product sorts by them alike


def to_doc(product: Product, *, terms: list[str], weights: dict[str, int]) -> dict:
    return {
        "_id": product.id,
        "shop_id": product.shop_id,
        "category_id": product.category_id,
        "name": dict(product.name),
        "description_html": product.description_html,
        "attributes": dict(product.attributes),
        "variants": [asdict(v) for v in product.variants],
        "images": list(product.images),
        "status": product.status.value,
        "shop_visible": product.shop_visible,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "min_price": product.min_price,
        "max_price": product.max_price,
        "terms": terms,
        "term_weights": weights,
    }


def from_doc(doc: dict) -> Product:
    return Product(
        id=doc["_id"],
        shop_id=doc["shop_id"],
        category_id=doc.get("category_id"),
        name=dict(doc.get("name") or {}),
        description_html=doc.get("description_html", ""),
        attributes=dict(doc.get("attributes") or {}),
        variants=[
            Variant(
                id=v["id"],
                sku=v.get("sku", ""),
                options=dict(v.get("options") or {}),
                price=v["price"],
                stock=v["stock"],
            )
            for v in doc.get("variants", [])
        ],
        images=list(doc.get("images") or []),
        status=ProductStatus(doc.get("status", ProductStatus.DELISTED.value)),
        created_at=doc["created_at"],
        updated_at=doc.get("updated_at", doc["created_at"]),
        shop_visible=bool(doc.get("shop_visible", True)),
        rating_avg=doc.get("rating_avg"),
        rating_count=int(doc.get("rating_count") or 0),
        sold=int(doc.get("sold") or 0),
    )


# --- stock moves (checkout) ---------------------------------------------------------------------------
# Each move is ONE conditional update. `move_id` (optional) is recorded in the product's `stock_moves` in
# the same update, so a move is applied at most once and a crashed caller can ask whether it happened.


async def take_stock(repo: ProductRepository, product_id: str, variant_id: str, qty: int, *, move_id=None) -> bool:
    """Take `qty` units of the variant only if that many are left; False otherwise (nothing written)."""
    query: dict = {"_id": str(product_id), "variants": {"$elemMatch": {"id": str(variant_id), "stock": {"$gte": qty}}}}
    update: dict = {"$inc": {"variants.$.stock": -qty}}
    if move_id is not None:
        query["stock_moves"] = {"$ne": str(move_id)}
        update["$push"] = {"stock_moves": str(move_id)}
    result = await repo.products.update_one(query, update)
    return result.modified_count == 1


async def restore_stock(repo: ProductRepository, product_id: str, variant_id: str, qty: int, *, move_id=None) -> bool:
    """Put `qty` units back; False when the variant is gone (or this move was already applied)."""
    query: dict = {"_id": str(product_id), "variants.id": str(variant_id)}
    update: dict = {"$inc": {"variants.$.stock": qty}}
    if move_id is not None:
        query["stock_moves"] = {"$ne": str(move_id)}
        update["$push"] = {"stock_moves": str(move_id)}
    result = await repo.products.update_one(query, update)
    return result.modified_count == 1


async def stock_move_applied(repo: ProductRepository, product_id: str, move_id: str) -> bool:
    return await repo.products.count_documents({"_id": str(product_id), "stock_moves": str(move_id)}, limit=1) == 1


async def forget_stock_move(repo: ProductRepository, product_id: str, move_id: str) -> None:
    await repo.products.update_one({"_id": str(product_id)}, {"$pull": {"stock_moves": str(move_id)}})
