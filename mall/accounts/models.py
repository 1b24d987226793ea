"""People and what they may do."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from confusable_homoglyphs import confusables


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
    """One spelling per address: NFKC (full-width ＳＨＯＰ＠ＸＹＺ．ＴＷ is shop@xyz.tw), trimmed, lower-case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def email_problem(email: str) -> str | None:
    """Why a normalised address cannot name an account, or None: "hidden" when it holds control, format or
    bidi characters; "mixed_scripts" when its local part or its domain mixes alphabets, as a look-alike of
    someone's address does (shоpper with a Cyrillic о). A part written in one alphabet (тест@пример.рф) is fine."""
    if any(unicodedata.category(ch)[0] == "C" for ch in email):
        return "hidden"
    local, _at, domain = email.rpartition("@")
    if any(confusables.is_mixed_script(part, allowed_aliases=["COMMON", "INHERITED"]) for part in (local, domain)):
        return "mixed_scripts"
    return None
