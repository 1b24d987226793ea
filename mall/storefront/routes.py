"""The public storefront: home, categories, search, product pages, compare, shops."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog.models import Sort
from mall.flash_sales.services import showcase
from mall.promotions import services as promotions
from mall.promotions.services import shelf
from mall.reputation.services import panel as reputation
from mall.reviews import services as reviews
from mall.shops.models import SHOP_CATEGORIES
from mall.storefront import freshness, links, services
from mall.storefront.caching import cached_page, every_sale
from mall.storefront.schemas import (
    BadQuery,
    ListingParams,
    ShopDirectoryParams,
    VariantParams,
    parse_model,
    parse_search,
)
from mall.web.i18n import gettext as _
from mall.web.pagecache import Part
from mall.web.templating import is_htmx, render

bp = Blueprint("storefront")
SHOPS_PER_PAGE = 24


def _args(request: Request):
    """The query string with blank values kept: `?min_price[$gt]=` must be seen to be refused."""
    return request.get_args(keep_blank_values=True)


def _fragment(request: Request, name: str) -> str | None:
    """The fragment for htmx swaps; a history restore (back button after a cache miss) needs the full page."""
    return None if request.headers.get("HX-History-Restore-Request") == "true" else name


async def _bad_query(request: Request, exc: BadQuery, **context):
    return await render(
        request,
        "storefront/bad_query.html",
        fragment=_fragment(request, "storefront/_bad_query.html"),
        errors=exc.errors,
        status=400,
        **context,
    )


def _c(request: Request):
    return request.app.ctx.c


@bp.get("/", ctx_access="public")
async def home(request: Request):
    return await cached_page(request, freshness.LISTING, lambda: _home(request), sales=every_sale, counts=True)


async def _home(request: Request):
    c = _c(request)
    view = await services.home(c.products, c.categories, c.shops)
    running, upcoming = await showcase.deals(c)
    strip = [*running, *upcoming]
    campaigns = (await promotions.showcase(c)).campaigns
    return await render(
        request,
        "storefront/home.html",
        view=view,
        theme_of=services.theme_colour,
        strip=strip,
        campaigns=campaigns,
        now=c.clock.now(),
        deal_prices=await shelf.listing_prices(c, [*view.featured, *view.new_arrivals]),
        flash_prices=await showcase.flash_prices(c, [*view.featured, *view.new_arrivals]),
        live_deals=bool(strip or campaigns),
    )


@bp.get("/categories", ctx_access="public")
async def categories(request: Request):
    tree = await services.category_tree(_c(request).categories)
    return await render(request, "storefront/categories.html", tree=tree)


async def _search(request: Request, *, category_slug: str | None = None):
    build = lambda: _search_page(request, category_slug=category_slug)  # noqa: E731
    return await cached_page(request, freshness.LISTING, build, sales=every_sale)


async def _search_page(request: Request, *, category_slug: str | None = None):
    c = _c(request)
    args = _args(request)
    if category_slug is not None:
        args = {k: v for k, v in args.items() if k != "category"}
    try:
        parsed = parse_search(args, c.settings.currency)
        view = await services.search(
            c.products,
            c.categories,
            c.shops,
            q=parsed.q,
            category_slug=category_slug if category_slug is not None else parsed.category,
            shop_slug=parsed.shop,
            min_price=parsed.min_price,
            max_price=parsed.max_price,
            attrs=parsed.attrs,
            sort=parsed.sort,
            page=parsed.page,
            min_rating=parsed.min_rating,
        )
    except services.UnknownFilter as exc:
        if category_slug is not None and exc.name == "category":
            raise NotFound(_("This category does not exist.")) from None
        messages = {"category": _("That category does not exist."), "shop": _("That shop is not open.")}
        return await _bad_query(request, BadQuery({exc.name: messages[exc.name]}))
    except BadQuery as exc:
        return await _bad_query(request, exc)
    return await render(
        request,
        "storefront/search.html",
        fragment=_fragment(request, "storefront/_search_fragment.html"),
        view=view,
        params=parsed,
        base_path=request.path,
        sorts=_sorts(),
        category_options=services.category_options(view.categories),
        active_filters=links.active_filters(view, parsed, request.path, c.settings.currency),
        deal_prices=await shelf.listing_prices(c, view.page.items),
        flash_prices=await showcase.flash_prices(c, view.page.items),
        status=400 if parsed.errors else 200,
        field_id=links.field_id,
        facet_value=links.facet_value,
        page_link=links.page_link,
    )


def _sorts() -> list[tuple[str, str]]:
    return [
        (Sort.RELEVANCE.value, _("Best match")),
        (Sort.PRICE_ASC.value, _("Price: low to high")),
        (Sort.PRICE_DESC.value, _("Price: high to low")),
        (Sort.NEWEST.value, _("Newest")),
        (Sort.RATING.value, _("Top rated")),
        (Sort.SALES.value, _("Best selling")),
    ]


@bp.get("/search", ctx_access="public")
async def search(request: Request):
    return await _search(request)


@bp.get("/c/<slug>", ctx_access="public")
async def category(request: Request, slug: str):
    return await _search(request, category_slug=slug)


@bp.get("/p/<product_id>", ctx_access="public")
async def product(request: Request, product_id: str):
    deps = freshness.product_deps(product_id)
    on_sale = lambda sale: sale.product_id == product_id  # noqa: E731
    return await cached_page(request, deps, lambda: _product(request, product_id), sales=on_sale)


async def _product(request: Request, product_id: str):
    c = _c(request)
    try:
        params = parse_model(_args(request), VariantParams)
        view = await services.product_page(c.products, c.shops, c.attribute_sets, product_id, params.variant)
    except BadQuery as exc:
        return await _bad_query(request, exc)
    except services.NotFound:
        raise NotFound(_("This product is not available.")) from None
    flash = None if is_htmx(request) else await showcase.for_product(c, view.product.id)
    return await render(
        request,
        "storefront/product.html",
        fragment=_fragment(request, "storefront/_buy_box.html"),
        view=view,
        theme=services.theme_colour(view.shop),
        variant_for=services.variant_for,
        flash=flash,
        box=await shelf.buy_box(c, view.product, view.variant, user_id=None),  # (what the visitor claimed: a hole)
        now=c.clock.now(),
        live_deals=True,
        review_panel=None
        if is_htmx(request)
        else await reviews.product_panel(c, view.product, reviews.ReviewFilter(), user_id=None),
    )


@bp.get("/p/<product_id>/campaigns", ctx_access="public")
async def product_campaigns(request: Request, product_id: str):
    """The product page's campaign banners (#promo-banner reloads itself when a campaign starts or ends)."""
    c = _c(request)
    try:
        product, _shop = await services.available_product(c.products, c.shops, product_id)
    except services.NotFound:
        raise NotFound(_("This product is not available.")) from None
    deals = await promotions.product_deals(c, product)
    return await render(
        request, "promotions/shop_product_banner.html", product=product, campaigns=deals.campaigns, now=c.clock.now()
    )


# --- compare -------------------------------------------------------------------------------------------------


def _compare_list(request: Request) -> list[str]:
    return services.compare_ids(request.ctx.session.get("compare"))


async def _compare_box(request: Request, holes: list[dict]) -> list[dict]:
    ids = _compare_list(request)
    return [{"compare": ids, "limit": services.COMPARE_LIMIT} for _hole in holes]


# What the visitor's own session adds to a shared page (mall.web.pagecache; installed by mall.app).
PERSONAL_PARTS = {
    "storefront/_compare_button.html": Part(needed=lambda request: bool(_compare_list(request)), data=_compare_box),
}


def _posted_id(request: Request) -> str:
    value = request.form.get("product_id", "") if request.form else ""
    return value if isinstance(value, str) else ""


@bp.get("/compare", ctx_access="public")
async def compare_page(request: Request):
    c = _c(request)
    view = await services.compare(c.products, c.shops, c.attribute_sets, _compare_list(request))
    return await render(
        request,
        "storefront/compare.html",
        fragment=_fragment(request, "storefront/_compare_table.html"),
        view=view,
        limit=services.COMPARE_LIMIT,
        standings=await reputation.standings(c, [p.shop_id for p in view.products]),
    )


@bp.post("/compare", ctx_access="public")
async def compare_add(request: Request):
    c = _c(request)
    product_id = _posted_id(request)
    try:
        product, _shop = await services.available_product(c.products, c.shops, product_id)
    except services.NotFound:
        raise NotFound(_("This product is not available.")) from None
    ids = _compare_list(request)
    message, kind = _("Added to compare."), "success"
    try:
        ids = services.add_to_compare(ids, product.id)
    except services.CompareFull:
        message = _("You can compare up to %(n)d products. Remove one first.") % {"n": services.COMPARE_LIMIT}
        kind = "warning"
    request.ctx.session["compare"] = ids
    if is_htmx(request):
        return await render(
            request,
            "storefront/_compare_button.html",
            product_id=product.id,
            compare=ids,
            message=message,
            kind=kind,
            limit=services.COMPARE_LIMIT,
        )
    request.ctx.session.flash(message, kind)
    return redirect(f"/p/{product.id}", status=303)


@bp.post("/compare/remove", ctx_access="public")
async def compare_remove(request: Request):
    product_id = _posted_id(request)
    request.ctx.session["compare"] = [i for i in _compare_list(request) if i != product_id]
    return redirect("/compare", status=303)


@bp.post("/compare/clear", ctx_access="public")
async def compare_clear(request: Request):
    request.ctx.session["compare"] = []
    request.ctx.session.flash(_("The compare list is empty now."))
    return redirect("/compare", status=303)


# --- shops ---------------------------------------------------------------------------------------------------


@bp.get("/shops", ctx_access="public")
async def shop_directory(request: Request):
    c = _c(request)
    try:
        params = parse_model(_args(request), ShopDirectoryParams)
    except BadQuery as exc:
        return await _bad_query(request, exc)
    found, total = await services.shop_directory(
        c.shops, page=params.page, per_page=SHOPS_PER_PAGE, category=params.category, q=params.q
    )
    return await render(
        request,
        "storefront/shops.html",
        fragment=_fragment(request, "storefront/_shop_list.html"),
        shops=found,
        total=total,
        params=params,
        pages=max(1, -(-total // SHOPS_PER_PAGE)),
        shop_categories=SHOP_CATEGORIES,
        theme_of=services.theme_colour,
    )


@bp.get("/shops/<slug>", ctx_access="public")
async def shop_page(request: Request, slug: str):
    return await cached_page(request, freshness.LISTING, lambda: _shop_page(request, slug), sales=every_sale)


async def _shop_page(request: Request, slug: str):
    c = _c(request)
    try:
        params = parse_model(_args(request), ListingParams)
        view = await services.shop_page(c.products, c.categories, c.shops, slug, sort=params.sort, page=params.page)
    except BadQuery as exc:
        return await _bad_query(request, exc)
    except services.NotFound:
        raise NotFound(_("This shop is not open.")) from None
    return await render(
        request,
        "storefront/shop.html",
        fragment=_fragment(request, "storefront/_shop_products.html"),
        view=view,
        params=params,
        sorts=_sorts(),
        deal_prices=await shelf.listing_prices(c, view.page.items),
        flash_prices=await showcase.flash_prices(c, view.page.items),
        standing=None if is_htmx(request) else await reputation.standing_of(c, view.shop.id),
    )
