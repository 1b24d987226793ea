"""Typed parsing of the storefront's query strings.

Every parameter a shopper's URL may carry is named here; anything else (`q[$ne]`, `min_price[$gt]`, a typo)
is refused with a message a person understands, before any value gets near a database filter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mall.catalog.models import Sort
from mall.infra.money import PLAIN_RE, minor_digits, to_minor
from mall.web.i18n import gettext as _

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
ATTR_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
ATTR_PREFIX = "a."
MAX_ATTR_KEYS, MAX_ATTR_VALUES, MAX_ATTR_VALUE_LEN = 10, 20, 80
MAX_PAGE = 500
MAX_PRICE = 10**12  # minor units


class BadQuery(Exception):
    """The query string cannot be understood; `errors` maps a parameter to a message for the shopper."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("bad query")
        self.errors = errors


def _blank_is_default(value, default):
    return default if value is None or (isinstance(value, str) and not value.strip()) else value


class ListingParams(BaseModel):
    """Sort and page: what a shop's page and a category page accept."""

    model_config = Closed
    sort: Sort = Sort.RELEVANCE
    page: int = Field(1, ge=1, le=MAX_PAGE)

    @field_validator("sort", mode="before")
    @classmethod
    def _sort_blank(cls, value):
        return _blank_is_default(value, Sort.RELEVANCE)

    @field_validator("page", mode="before")
    @classmethod
    def _page_blank(cls, value):
        return _blank_is_default(value, 1)


class SearchParams(ListingParams):
    q: str = Field("", max_length=100)
    category: str = Field("", max_length=64)
    shop: str = Field("", max_length=64)
    min_price: str = Field("", max_length=20)
    max_price: str = Field("", max_length=20)
    rating: int | None = Field(None, ge=1, le=5)  # "4★ and up": the stored average at least this

    @field_validator("rating", mode="before")
    @classmethod
    def _rating_blank(cls, value):
        return _blank_is_default(value, None)

    @field_validator("category", "shop")
    @classmethod
    def _slug(cls, value: str) -> str:
        if value and not re.match(SLUG, value):
            raise ValueError("not a slug")
        return value


class ShopDirectoryParams(BaseModel):
    model_config = Closed
    q: str = Field("", max_length=80)
    category: str = Field("", max_length=64)
    page: int = Field(1, ge=1, le=MAX_PAGE)

    @field_validator("page", mode="before")
    @classmethod
    def _page_blank(cls, value):
        return _blank_is_default(value, 1)


class VariantParams(BaseModel):
    model_config = Closed
    variant: str = Field("", max_length=24)


@dataclass
class ParsedSearch:
    """A search URL, typed: slugs still to be resolved, prices in minor units."""

    q: str = ""
    category: str = ""
    shop: str = ""
    min_price: int | None = None
    max_price: int | None = None
    attrs: dict[str, list[str]] = field(default_factory=dict)
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    min_price_text: str = ""
    max_price_text: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field -> what is wrong with it; the search runs without it
    min_rating: int | None = None


def _messages() -> dict[str, str]:
    return {
        "q": _("The search text is too long (at most 100 characters)."),
        "category": _("That category link is not valid."),
        "shop": _("That shop link is not valid."),
        "sort": _("Choose one of the offered sort orders."),
        "rating": _("Choose a rating from 1 to 5 stars."),
        "page": _("That page number is not valid."),
        "variant": _("That option is not valid."),
    }


def _friendly(exc: ValidationError) -> dict[str, str]:
    messages = _messages()
    errors: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "query"
        if err["type"] == "extra_forbidden":
            errors[name] = _("This link has a part we do not understand: “%(name)s”.") % {"name": name[:40]}
        else:
            errors.setdefault(name, messages.get(name, _("This value is not valid.")))
    return errors


def _single_values(args, names: set[str]) -> dict:
    """Sanic's query multi-dict -> {name: value}; a repeated single-valued name stays a list and is refused."""
    return {k: (v[0] if len(v) == 1 or k not in names else v) for k, v in args.items()}


def parse_model(args, model: type[BaseModel]):
    try:
        return model.model_validate(_single_values(args, set(model.model_fields)))
    except ValidationError as exc:
        raise BadQuery(_friendly(exc)) from None


def _price_messages(name: str, digits: int) -> dict[str, str]:
    if name == "min_price":
        return {
            "number": _("Enter the lowest price as a number, like 450 or 450.50."),
            "negative": _("The lowest price cannot be negative."),
            "decimals": _("The lowest price can have at most %(n)d decimal places.") % {"n": digits},
            "large": _("The lowest price is too high."),
        }
    return {
        "number": _("Enter the highest price as a number, like 450 or 450.50."),
        "negative": _("The highest price cannot be negative."),
        "decimals": _("The highest price can have at most %(n)d decimal places.") % {"n": digits},
        "large": _("The highest price is too high."),
    }


def _price_problem(text: str, currency: str) -> tuple[int | None, str]:
    """(minor units, "") or (None, what is wrong: number / decimals / negative / large)."""
    if not PLAIN_RE.fullmatch(unicodedata.normalize("NFKC", text).replace(",", "").strip()):
        return None, "number"
    try:
        value = to_minor(text, currency)
    except ValueError:
        return None, "decimals"
    if value < 0:
        return None, "negative"
    return (None, "large") if value > MAX_PRICE else (value, "")


def _prices(params: SearchParams, currency: str) -> tuple[int | None, int | None, dict[str, str]]:
    """Both price bounds; a bad one is left out of the search and explained at its own field."""
    bounds: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name in ("min_price", "max_price"):
        text = getattr(params, name)
        bounds[name], problem = _price_problem(text, currency) if text else (None, "")
        if problem:
            errors[name] = _price_messages(name, minor_digits(currency))[problem]
    return bounds["min_price"], bounds["max_price"], errors


def _attrs(args) -> dict[str, list[str]]:
    attrs: dict[str, list[str]] = {}
    for name, values in args.items():
        key = name[len(ATTR_PREFIX) :]
        if not ATTR_KEY.match(key):
            raise BadQuery({name: _("This link has a part we do not understand: “%(name)s”.") % {"name": name[:40]}})
        cleaned = sorted({v.strip() for v in values if v.strip()})
        if len(cleaned) > MAX_ATTR_VALUES or any(len(v) > MAX_ATTR_VALUE_LEN for v in cleaned):
            raise BadQuery({name: _("Too many or too long filter values.")})
        if cleaned:
            attrs[key] = cleaned
    if len(attrs) > MAX_ATTR_KEYS:
        raise BadQuery({"attrs": _("Too many filters at once.")})
    return attrs


def parse_search(args, currency: str) -> ParsedSearch:
    """`/search?q=&category=&shop=&min_price=&max_price=&sort=&page=&a.<key>=<value>` -> ParsedSearch."""
    plain = {k: v for k, v in args.items() if not k.startswith(ATTR_PREFIX)}
    params = parse_model(plain, SearchParams)
    min_price, max_price, errors = _prices(params, currency)
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
        params.min_price, params.max_price = params.max_price, params.min_price
    return ParsedSearch(
        q=params.q,
        category=params.category,
        shop=params.shop,
        min_price=min_price,
        max_price=max_price,
        attrs=_attrs({k: v for k, v in args.items() if k.startswith(ATTR_PREFIX)}),
        sort=params.sort,
        page=params.page,
        min_price_text=params.min_price,
        max_price_text=params.max_price,
        errors=errors,
        min_rating=params.rating,
    )
