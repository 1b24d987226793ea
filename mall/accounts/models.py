"""People and what they may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    SHOPPER = "shopper"
    MARKETER = "marketer"
    OPERATOR = "operator"


class ShopRole(StrEnum):
    OWNER = "owner"
    STAFF = "staff"


@dataclass
class User:
    id: str
    email: str
    name: str
    password_hash: str
    created_at: datetime
    roles: list[str] = field(default_factory=lambda: [Role.SHOPPER.value])
    shop_id: str | None = None
    shop_role: str | None = None

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    @property
    def is_merchant(self) -> bool:
        return self.shop_id is not None

    @property
    def is_shop_owner(self) -> bool:
        return self.shop_id is not None and self.shop_role == ShopRole.OWNER.value

    @classmethod
    def from_doc(cls, doc: dict) -> User:
        return cls(
            id=doc["_id"],
            email=doc["email"],
            name=doc["name"],
            password_hash=doc["password_hash"],
            created_at=doc["created_at"],
            roles=list(doc.get("roles", [Role.SHOPPER.value])),
            shop_id=doc.get("shop_id"),
            shop_role=doc.get("shop_role"),
        )


def normalize_email(email: str) -> str:
    return email.strip().lower()
