"""Links and labels for the search page: removable filter chips, stable checkbox ids."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from mall.catalog.models import Sort
from mall.storefront.schemas import ATTR_PREFIX, ParsedSearch
from mall.storefront.services import SearchView
from mall.web import i18n
from mall.web.i18n import gettext as _


def _pairs(params: ParsedSearch, *, with_category: bool) -> list[tuple[str, str]]:
    pairs = [("q", params.q)]
    if with_category:
        pairs.append(("category", params.category))
    pairs += [("shop", params.shop), ("min_price", params.min_price_text), ("max_price", params.max_price_text)]
    pairs += [(ATTR_PREFIX + key, value) for key, values in params.attrs.items() for value in values]
    if params.min_rating:
        pairs.append(("rating", str(params.min_rating)))
    if params.sort != Sort.RELEVANCE:
        pairs.append(("sort", params.sort.value))
    return [(k, v) for k, v in pairs if v]


def _href(base_path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{base_path}?{urlencode(pairs)}" if pairs else base_path


def _name(names: dict, locale: str) -> str:
    return names.get(locale) or names.get("en") or next(iter(names.values()), "")


def active_filters(view: SearchView, params: ParsedSearch, base_path: str, currency: str) -> list[tuple[str, str]]:
    """(label, link that removes this one filter) for every filter in effect; the page goes back to 1."""
    with_category = not base_path.startswith("/c/")
    pairs = _pairs(params, with_category=with_category)
    locale = i18n.current_locale()
    labels = {facet.key: facet.label_in(locale) for facet in view.page.facets}

    def without(*names: str, value: str | None = None) -> str:
        kept = [(k, v) for k, v in pairs if not (k in names and (value is None or v == value))]
        return _href(base_path, kept)

    chips: list[tuple[str, str]] = []
    if params.q:
        chips.append((f"“{params.q}”", without("q")))
    if with_category and view.category:
        chips.append((_name(view.category.name, locale), without("category")))
    if view.shop:
        chips.append((view.shop.name, without("shop")))
    if params.min_price is not None or params.max_price is not None:
        chips.append((_price_label(params, currency), without("min_price", "max_price")))
    for key, values in params.attrs.items():
        for value in values:
            chips.append((f"{labels.get(key, key)}: {facet_value(value)}", without(ATTR_PREFIX + key, value=value)))
    if params.min_rating:
        chips.append((_("%(n)d★ and up") % {"n": params.min_rating}, without("rating")))
    return chips


def page_link(base_path: str, args, page: int) -> str:
    """This search at another page (every other parameter kept)."""
    pairs = [(k, v) for k, values in args.items() if k != "page" for v in values if v]
    return _href(base_path, [*pairs, ("page", str(page))])


def _price_label(params: ParsedSearch, currency: str) -> str:
    low = i18n.money(params.min_price, currency) if params.min_price is not None else None
    high = i18n.money(params.max_price, currency) if params.max_price is not None else None
    if low and high:
        return f"{low} – {high}"
    if low:
        return _("From %(price)s") % {"price": low}
    return _("Up to %(price)s") % {"price": high}


def field_id(key: str, value: str) -> str:
    """A checkbox id that stays the same across swaps, so htmx can give focus back to it."""
    return f"fa-{key}-{hashlib.blake2s(str(value).encode(), digest_size=5).hexdigest()}"


def facet_value(value) -> str:
    if value is True or value == "true":
        return _("Yes")
    if value is False or value == "false":
        return _("No")
    return str(value)
