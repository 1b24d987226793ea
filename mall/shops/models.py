"""Shops and staff invitations. Pure data and the rules that need no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# (key, {"en": ..., "zh_Hant": ...}) in the order pickers show them.
SHOP_CATEGORIES: list[tuple[str, dict[str, str]]] = [
    ("tea", {"en": "Tea", "zh_Hant": "茶"}),
    ("electronics", {"en": "3C Electronics", "zh_Hant": "3C 電子"}),
    ("clothing", {"en": "Clothing", "zh_Hant": "服飾"}),
    ("books", {"en": "Books", "zh_Hant": "書籍"}),
    ("home", {"en": "Home", "zh_Hant": "居家"}),
    ("food", {"en": "Food", "zh_Hant": "美食"}),
    ("beauty", {"en": "Beauty", "zh_Hant": "美妝"}),
    ("other", {"en": "Other", "zh_Hant": "其他"}),
]
CATEGORY_KEYS = tuple(key for key, _labels in SHOP_CATEGORIES)
_CATEGORY_LABELS = dict(SHOP_CATEGORIES)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
# Words a shop address must not take: our own paths, and names that would mislead.
RESERVED_SLUGS = frozenset(
    {
        "admin", "administrator", "api", "app", "apply", "assets", "auth", "cart", "categories", "checkout",
        "compare", "console", "deals", "help", "invites", "login", "logout", "mall", "media", "merchant",
        "new", "official", "operator", "orders", "root", "search", "settings", "shop", "shops", "signup",
        "static", "support", "system", "www",
    }
)  # fmt: skip
THEME_RE = re.compile(r"^#[0-9a-f]{6}$")
DEFAULT_THEME = "#c2410c"


class ShopStatus(StrEnum):
    PENDING = "pending"  # applied, waiting for an operator
    APPROVED = "approved"  # open: visible in the storefront
    REJECTED = "rejected"  # the applicant may edit and apply again
    SUSPENDED = "suspended"  # hidden with its products until reinstated


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


def category_label(key: str, locale: str) -> str:
    labels = _CATEGORY_LABELS.get(key) or _CATEGORY_LABELS["other"]
    return labels.get(locale) or labels["en"]


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be a shop address (English, for the caller to translate), or None."""
    if not SLUG_RE.match(slug):
        return "3–40 characters: lowercase letters, digits and hyphens, not starting or ending with a hyphen."
    if slug in RESERVED_SLUGS:
        return "This address is reserved."
    return None


@dataclass
class Shop:
    """Every text field is plain text as typed; templates escape it."""

    id: str
    slug: str
    name: str
    category: str
    description: str
    contact_email: str
    contact_phone: str
    owner_id: str
    status: ShopStatus
    created_at: datetime
    logo: str | None = None
    banner: str | None = None
    theme_color: str = DEFAULT_THEME
    announcement: str = ""
    about: str = ""
    low_stock_threshold: int | None = None  # None: the platform's default
    reject_reason: str | None = None
    suspend_reason: str | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None

    @property
    def is_public(self) -> bool:
        return self.status == ShopStatus.APPROVED

    def category_label(self, locale: str) -> str:
        return category_label(self.category, locale)

    def to_doc(self) -> dict:
        doc = {k: v for k, v in self.__dict__.items() if k != "id"}
        doc["_id"] = self.id
        doc["status"] = self.status.value
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> Shop:
        fields = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__}
        fields["id"] = doc["_id"]
        fields["status"] = ShopStatus(doc["status"])
        return cls(**fields)


@dataclass
class ShopInvite:
    id: str
    shop_id: str
    email: str
    invited_by: str
    created_at: datetime
    status: InviteStatus = InviteStatus.PENDING

    @classmethod
    def from_doc(cls, doc: dict) -> ShopInvite:
        return cls(
            id=doc["_id"],
            shop_id=doc["shop_id"],
            email=doc["email"],
            invited_by=doc["invited_by"],
            created_at=doc["created_at"],
            status=InviteStatus(doc["status"]),
        )


@dataclass
class Application:
    """What an applicant fills in to open a shop."""

    name: str
    slug: str
    category: str
    description: str
    contact_email: str
    contact_phone: str
    logo: str | None = None


@dataclass
class Profile:
    """What the owner may change about an open shop (never its slug, status or owner)."""

    description: str
    contact_email: str
    contact_phone: str
    theme_color: str
    announcement: str
    about: str
    logo: str | None
    banner: str | None
    low_stock_threshold: int | None = None
