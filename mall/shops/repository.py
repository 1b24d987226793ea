"""Shops and staff invitations in MongoDB.

Status changes are conditional updates (`from` status in the filter), so two
operators clicking at once cannot both act: exactly one update matches."""

from __future__ import annotations

import re

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from mall.infra.mongo import duplicate_keys
from mall.shops.models import InviteStatus, Shop, ShopInvite, ShopStatus


class SlugTaken(Exception):
    pass


class OwnerTaken(Exception):
    """The user already has a shop document (an application or a shop)."""


class InviteOpen(Exception):
    """This shop already has a pending invitation for this email."""


class ShopRepository:
    def __init__(self, db):
        self.shops = db["shops"]

    async def ensure_indexes(self) -> None:
        await self.shops.create_index("slug", unique=True)
        await self.shops.create_index("owner_id", unique=True)  # one application / shop per person
        await self.shops.create_index([("status", 1), ("created_at", 1)])
        await self.shops.create_index([("status", 1), ("category", 1), ("name", 1)])

    async def add(self, shop: Shop) -> None:
        try:
            await self.shops.insert_one(shop.to_doc())
        except DuplicateKeyError as exc:
            raise await self._which(exc, shop.id, slug=shop.slug, owner_id=shop.owner_id) from exc

    async def _which(self, exc: DuplicateKeyError, shop_id: str, *, slug: str, owner_id: str | None = None):
        """OwnerTaken or SlugTaken: which unique key the write hit. Another shop holding the value is asked first
        (the embedded database's errors may say nothing, or name the wrong index for an update); the error's
        own details decide when that shop is gone again (a real server's `keyPattern` or message)."""
        others = {"_id": {"$ne": str(shop_id)}}
        if owner_id and await self.shops.count_documents({"owner_id": str(owner_id), **others}, limit=1):
            return OwnerTaken()
        if slug and await self.shops.count_documents({"slug": str(slug), **others}, limit=1):
            return SlugTaken(slug)
        return OwnerTaken() if "owner_id" in duplicate_keys(exc) else SlugTaken(slug)

    async def get(self, shop_id: str) -> Shop | None:
        doc = await self.shops.find_one({"_id": str(shop_id)})
        return Shop.from_doc(doc) if doc else None

    async def by_slug(self, slug: str, *, status: ShopStatus | None = None) -> Shop | None:
        query: dict = {"slug": str(slug)}
        if status is not None:
            query["status"] = status.value
        doc = await self.shops.find_one(query)
        return Shop.from_doc(doc) if doc else None

    async def by_owner(self, owner_id: str) -> Shop | None:
        doc = await self.shops.find_one({"owner_id": str(owner_id)})
        return Shop.from_doc(doc) if doc else None

    async def by_ids(self, ids: list[str]) -> list[Shop]:
        cursor = self.shops.find({"_id": {"$in": [str(i) for i in ids]}})
        return [Shop.from_doc(doc) async for doc in cursor]

    async def slug_owner(self, slug: str) -> str | None:
        doc = await self.shops.find_one({"slug": str(slug)}, {"owner_id": 1})
        return doc["owner_id"] if doc else None

    async def transition(self, shop_id: str, from_statuses: tuple[ShopStatus, ...], changes: dict) -> Shop | None:
        """Apply `changes` only if the shop is in one of `from_statuses`; the updated shop, else None."""
        try:
            doc = await self.shops.find_one_and_update(
                {"_id": str(shop_id), "status": {"$in": [s.value for s in from_statuses]}},
                {"$set": _plain(changes)},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError as exc:
            raise await self._which(exc, str(shop_id), slug=changes.get("slug", "")) from exc
        return Shop.from_doc(doc) if doc else None

    async def update(self, shop_id: str, changes: dict) -> Shop | None:
        doc = await self.shops.find_one_and_update(
            {"_id": str(shop_id)}, {"$set": _plain(changes)}, return_document=ReturnDocument.AFTER
        )
        return Shop.from_doc(doc) if doc else None

    async def page(
        self,
        *,
        statuses: tuple[ShopStatus, ...] | None = None,
        category: str | None = None,
        q: str | None = None,
        sort: list[tuple[str, int]],
        page: int,
        per_page: int,
    ) -> tuple[list[Shop], int]:
        query: dict = {}
        if statuses:
            query["status"] = {"$in": [s.value for s in statuses]}
        if category:
            query["category"] = str(category)
        if q:
            pattern = re.escape(str(q))
            query["$or"] = [
                {"name": {"$regex": pattern, "$options": "i"}},
                {"slug": {"$regex": pattern, "$options": "i"}},
            ]
        total = await self.shops.count_documents(query)
        cursor = self.shops.find(query).sort(sort).skip((page - 1) * per_page).limit(per_page)
        return [Shop.from_doc(doc) async for doc in cursor], total

    async def count_by_status(self) -> dict[str, int]:
        return {s.value: await self.shops.count_documents({"status": s.value}) for s in ShopStatus}


class InviteRepository:
    def __init__(self, db):
        self.invites = db["shop_invites"]

    async def ensure_indexes(self) -> None:
        # `open_key` exists only while an invitation is pending: one open invite per shop and email.
        await self.invites.create_index("open_key", unique=True, sparse=True)
        await self.invites.create_index([("email", 1), ("status", 1)])
        await self.invites.create_index([("shop_id", 1), ("status", 1)])

    async def add(self, invite: ShopInvite) -> None:
        doc = {
            "_id": invite.id,
            "shop_id": invite.shop_id,
            "email": invite.email,
            "invited_by": invite.invited_by,
            "created_at": invite.created_at,
            "status": invite.status.value,
            "open_key": f"{invite.shop_id}:{invite.email}",
        }
        try:
            await self.invites.insert_one(doc)
        except DuplicateKeyError as exc:
            raise InviteOpen(invite.email) from exc

    async def get(self, invite_id: str) -> ShopInvite | None:
        doc = await self.invites.find_one({"_id": str(invite_id)})
        return ShopInvite.from_doc(doc) if doc else None

    async def pending_for_email(self, email: str) -> list[ShopInvite]:
        cursor = self.invites.find({"email": str(email), "status": InviteStatus.PENDING.value}).sort("created_at", 1)
        return [ShopInvite.from_doc(doc) async for doc in cursor]

    async def pending_for_shop(self, shop_id: str) -> list[ShopInvite]:
        cursor = self.invites.find({"shop_id": str(shop_id), "status": InviteStatus.PENDING.value})
        return [ShopInvite.from_doc(doc) async for doc in cursor.sort("created_at", 1)]

    async def close(self, invite_id: str, status: InviteStatus, **match: str) -> ShopInvite | None:
        """Pending -> `status`, only if the invite also matches `match` (e.g. shop_id, email)."""
        query = {"_id": str(invite_id), "status": InviteStatus.PENDING.value, **{k: str(v) for k, v in match.items()}}
        doc = await self.invites.find_one_and_update(
            query,
            {"$set": {"status": status.value}, "$unset": {"open_key": ""}},
            return_document=ReturnDocument.AFTER,
        )
        return ShopInvite.from_doc(doc) if doc else None


def _plain(changes: dict) -> dict:
    return {k: (v.value if isinstance(v, ShopStatus) else v) for k, v in changes.items()}
