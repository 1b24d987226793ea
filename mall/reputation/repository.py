"""One stored health record per shop (`shop_health`), replaced at each computation."""

from __future__ import annotations

from dataclasses import asdict

from pymongo import ReturnDocument

from mall.reputation.models import ComponentScore, Health, HealthStatus


def _health(doc: dict | None) -> Health | None:
    if not doc:
        return None
    fields = {k: v for k, v in doc.items() if k in Health.__dataclass_fields__}
    fields["shop_id"] = doc["_id"]
    fields["status"] = HealthStatus(doc["status"])
    fields["components"] = [ComponentScore(**c) for c in doc.get("components", [])]
    return Health(**fields)


class HealthRepository:
    def __init__(self, db):
        self.health = db["shop_health"]

    async def ensure_indexes(self) -> None:
        await self.health.create_index("score")

    async def save(self, health: Health) -> Health | None:
        """Store this computation; the one it replaced (None the first time)."""
        doc = asdict(health)
        doc["_id"] = doc.pop("shop_id")
        doc["status"] = health.status.value
        before = await self.health.find_one_and_replace(
            {"_id": health.shop_id}, doc, upsert=True, return_document=ReturnDocument.BEFORE
        )
        return _health(before)

    async def get(self, shop_id: str) -> Health | None:
        return _health(await self.health.find_one({"_id": str(shop_id)}))

    async def many(self, shop_ids: list[str]) -> dict[str, Health]:
        cursor = self.health.find({"_id": {"$in": [str(i) for i in shop_ids]}})
        return {doc["_id"]: _health(doc) async for doc in cursor}
