"""Request and response models for shop pages and the shops API.

Closed models: a form that adds shop_id, owner_id, status or slug where they
do not belong is refused (422) instead of silently trusted."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from mall.infra.text import N_, Name
from mall.shops.models import CATEGORY_KEYS, Shop, ShopStatus, slug_problem
from mall.web.i18n import gettext as _

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
CategoryKey = Literal[CATEGORY_KEYS]  # type: ignore[valid-type]


def _no_controls(value: str) -> str:
    """Plain text: control characters other than newline and tab are dropped."""
    return "".join(ch for ch in value if ch in "\n\t" or (ch >= " " and ch != "\x7f"))


def _phone(value: str) -> str:
    if value and not re.fullmatch(r"[0-9+()#\- ]{6,24}", value):
        raise ValueError("digits, spaces and + ( ) - # only")
    return value


Units = Annotated[int, Field(ge=0, le=100_000)]
Instant = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


def _blank_is_none(value):
    return None if value == "" else value


def _slug(value: str) -> str:
    problem = slug_problem(value.lower())
    if problem:
        raise ValueError(problem)
    return value.lower()


Text = Annotated[str, AfterValidator(_no_controls)]
Phone = Annotated[str, Field(default="", max_length=24), AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class ApplyForm(BaseModel):
    model_config = Closed
    name: Annotated[Name, Field(min_length=2, max_length=60)]
    slug: Annotated[str, Field(min_length=3, max_length=40), AfterValidator(_slug)]
    category: CategoryKey
    description: Annotated[Text, Field(max_length=1000)] = ""
    contact_email: Email
    contact_phone: Phone = ""


class ProfileForm(BaseModel):
    model_config = Closed
    description: Annotated[Text, Field(max_length=1000)] = ""
    contact_email: Email
    contact_phone: Phone = ""
    theme_color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$"), AfterValidator(str.lower)]
    announcement: Annotated[Text, Field(max_length=280)] = ""
    about: Annotated[Text, Field(max_length=5000)] = ""
    low_stock_threshold: Annotated[Units | None, BeforeValidator(_blank_is_none)] = None
    remove_logo: bool = False
    remove_banner: bool = False


class ReasonForm(BaseModel):
    model_config = Closed
    reason: str = Field(min_length=3, max_length=500)


class InviteForm(BaseModel):
    model_config = Closed
    email: Email


class PageQuery(BaseModel):
    model_config = Closed
    page: int = Field(default=1, ge=1, le=10_000)


class OperatorShopsQuery(PageQuery):
    status: ShopStatus | None = None
    q: str = Field(default="", max_length=60)

    @field_validator("status", mode="before")
    @classmethod
    def _blank_is_all(cls, value):
        return value or None


class ShopListQuery(PageQuery):
    per_page: int = Field(default=24, ge=1, le=100)
    category: CategoryKey | None = None
    q: str = Field(default="", max_length=60)


class ShopOut(BaseModel):
    id: str
    slug: str
    name: str
    category: str
    category_label: dict[str, str]
    description: str
    announcement: str
    about: str
    theme_color: str
    logo_url: str | None
    banner_url: str | None
    created_at: Instant

    @classmethod
    def of(cls, shop: Shop) -> ShopOut:
        return cls(
            id=shop.id,
            slug=shop.slug,
            name=shop.name,
            category=shop.category,
            category_label={loc: shop.category_label(loc) for loc in ("en", "zh_Hant")},
            description=shop.description,
            announcement=shop.announcement,
            about=shop.about,
            theme_color=shop.theme_color,
            logo_url=f"/media/{shop.logo}" if shop.logo else None,
            banner_url=f"/media/{shop.banner}" if shop.banner else None,
            created_at=shop.created_at.isoformat(),
        )


class ShopListOut(BaseModel):
    items: list[ShopOut]
    total: int
    page: int
    per_page: int


FIELD_MESSAGES = {
    "name": N_("Enter a shop name of 2–60 characters."),
    "slug": N_("3–40 characters: lowercase letters, digits and hyphens, not starting or ending with a hyphen."),
    "category": N_("Choose a category."),
    "description": N_("At most 1,000 characters."),
    "contact_email": N_("Enter a valid email address."),
    "email": N_("Enter a valid email address."),
    "contact_phone": N_("Use 6–24 digits, spaces and + ( ) - # only."),
    "theme_color": N_("Pick a colour such as #c2410c."),
    "announcement": N_("At most 280 characters."),
    "about": N_("At most 5,000 characters."),
    "low_stock_threshold": N_("A whole number of units from 0 to 100,000, or empty for the default."),
    "reason": N_("Give a reason of 3–500 characters."),
    "page": N_("Not a page number."),
}
RESERVED = N_("This address is reserved.")


def friendly(errors: dict[str, str], model: type[BaseModel]) -> dict[str, str]:
    """Pydantic's messages -> translated, field-specific ones; fields the form lacks -> one form error."""
    out: dict[str, str] = {}
    for field, message in errors.items():
        if field not in model.model_fields:
            out["form"] = _("This form does not accept the field “%(name)s”.") % {"name": field}
        elif field == "slug" and message in (RESERVED, _(RESERVED)):
            out[field] = _(RESERVED)
        else:
            out[field] = _(FIELD_MESSAGES.get(field, N_("Please check this field.")))
    return out
