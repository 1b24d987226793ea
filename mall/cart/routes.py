"""The cart pages (htmx fragment swaps) and its JSON API. A guest's cart lives in
the session; a signed-in shopper's in the database."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import empty, html, json, redirect

from mall.cart import services
from mall.cart.schemas import CartItemIn, CartLineOut, CartOut, CartQtyIn, CouponCodeIn, ShopRef
from mall.infra.ids import is_id
from mall.orders import services as orders
from mall.promotions import services as promotions
from mall.promotions.services import chosen, shelf
from mall.web import lean
from mall.web.api import safe_next
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_form, parse_json
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import is_htmx, render

bp = Blueprint("cart")
CHANGED = {"HX-Trigger": "cart-changed"}
COUPONS = chosen.SESSION_KEY  # the chosen coupon codes, in the order chosen (the checkout uses them too)
NOTE = "coupon_note"  # the code just added, so the next view of the cart says how it went


def _store(request: Request):
    user = request.ctx.user
    return services.store_for(request.app.ctx.c.carts, request.ctx.session, user.id if user else None)


async def _view(request: Request):
    c = request.app.ctx.c
    return await services.view(_store(request), c.products, c.shops)


async def priced_cart(request: Request, view, *, region: str | None, note: str | None = None) -> dict:
    """The cart priced by the promotions' engine for `region` with the session's codes: each code's state (codes
    nobody issued are forgotten once said so), the signed-in shopper's usable coupons not chosen yet."""
    c = request.app.ctx.c
    user = request.ctx.user
    codes = chosen.codes_in(request.ctx.session)
    found = await orders.quote_cart(c, view, user_id=user.id if user else None, region=region, codes=codes)
    states = chosen.chosen_codes(found, codes)
    if unknown := {state.code for state in states if state.reason == "unknown"}:
        request.ctx.session[COUPONS] = [code for code in codes if code not in unknown]
    wallet = []
    if user:
        now = c.clock.now()
        rows = [shelf.wallet_row(mine, now) for mine in await promotions.my_coupons(c, user.id)]
        wallet = [row for row in rows if row.usable and row.coupon.code not in codes]
    return {
        "quote": found,
        "priced": found.priced,
        "shop_prices": {shop.shop_id: shop for shop in found.priced.shops},
        "line_prices": {lp.line.line_id: lp for shop in found.priced.shops for lp in shop.lines},
        "codes": [state for state in states if state.reason != "unknown"],
        "note": next((state for state in states if state.code == note), None),
        "wallet": wallet,
    }


async def _cart_page(request: Request, *, status: int = 200, error: str | None = None, headers=None, note=None):
    c = request.app.ctx.c
    user = request.ctx.user
    view = await _view(request)
    address = await orders.default_address(c.addresses, user.id) if user else None
    note = note or request.ctx.session.pop(NOTE, None)
    response = await render(
        request,
        "cart/page.html",
        fragment="cart/_cart.html",
        view=view,
        error=error,
        status=status,
        region=address.region if address else None,
        live_deals=True,
        **await priced_cart(request, view, region=address.region if address else None, note=note),
    )
    response.headers.update(headers or {})
    return response


@bp.get("/cart", ctx_access="public")
async def cart_page(request: Request):
    return await _cart_page(request)


@bp.get("/cart/count", ctx_access="public", ctx_lean=True)
async def cart_count(request: Request):
    """The header badge (loaded by htmx on every page, refreshed on `cart-changed`), on the lean path: no second
    session load per page view; a guest's cart is the one session entry read, a shopper's comes from the database."""
    user_id = request.ctx.user_id
    guest_cart = None if user_id else await lean.session_entry(request, services.GUEST_CART)
    n = await services.badge_count(request.app.ctx.c.carts, user_id, guest_cart)
    response = html(str(n) if n else "")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/cart/items", ctx_access="public")
async def add_item(request: Request):
    c = request.app.ctx.c
    try:
        data = parse_form(request, CartItemIn, drop=("csrf_token", "next"))
        await services.add_item(
            _store(request), c.products, product_id=data.product_id, variant_id=data.variant_id, qty=data.qty
        )
    except Invalid:
        return await _added(request, _("Choose a quantity from 1 to 99."), "error", 422)
    except services.NotAvailable:
        return await _added(request, _("Sorry, this item is no longer available."), "error", 422)
    except services.CartFull:
        return await _added(request, _("Your cart is full. Check out or remove something first."), "error", 422)
    return await _added(request, _("Added to your cart."), "success", 200, headers=CHANGED)


async def _added(request: Request, message: str, kind: str, status: int, headers=None):
    if not is_htmx(request):
        request.ctx.session.flash(message, kind)
        return redirect(safe_next(request.form.get("next")) if kind == "error" else "/cart", status=303)
    response = await render(
        request,
        "cart/_add_result.html",
        message=message,
        kind=kind,
        product_id=request.form.get("product_id", ""),
        variant_id=request.form.get("variant_id", ""),
        status=status,
    )
    response.headers.update(headers or {})
    return response


@bp.post("/cart/items/<line_id:str>", ctx_access="public")
async def change_qty(request: Request, line_id: str):
    try:
        data = parse_form(request, CartQtyIn)
        await services.change_qty(_store(request), line_id, data.qty)
    except Invalid:
        return await _cart_page(request, status=422, error=_("Choose a quantity from 1 to 99."))
    except services.NotFound:
        raise NotFound(_("That item is no longer in your cart.")) from None
    return await _after_change(request)


@bp.post("/cart/items/<line_id:str>/remove", ctx_access="public")
async def remove_item(request: Request, line_id: str):
    try:
        await services.remove_item(_store(request), line_id)
    except services.NotFound:
        pass  # already gone (a double click): show the cart as it is
    return await _after_change(request)


async def _after_change(request: Request, note: str | None = None):
    if not is_htmx(request):
        if note:
            request.ctx.session[NOTE] = note
        return redirect("/cart", status=303)
    return await _cart_page(request, headers=CHANGED, note=note)


@bp.post("/cart/coupons", ctx_access="public")
async def add_coupon(request: Request):
    """Choose a coupon code for this cart; the cart then says whether it applies, and why not."""
    try:
        code = promotions.normalize_code(parse_form(request, CouponCodeIn).code)
    except Invalid:
        return await _cart_page(request, status=422, error=_("Enter a coupon code: 3 to 32 letters, digits, - or _."))
    codes = chosen.codes_in(request.ctx.session)
    if code not in codes:
        if len(codes) >= chosen.MAX_CODES:
            message = _("You can choose up to %(n)d codes. Remove one first.") % {"n": chosen.MAX_CODES}
            return await _cart_page(request, status=422, error=message)
        request.ctx.session[COUPONS] = [*codes, code]
    return await _after_change(request, note=code)


@bp.post("/cart/coupons/remove", ctx_access="public")
async def remove_coupon(request: Request):
    code = promotions.normalize_code(str(request.form.get("code", "")))
    request.ctx.session[COUPONS] = [c for c in chosen.codes_in(request.ctx.session) if c != code]
    return await _after_change(request)


# --- JSON API ------------------------------------------------------------------------------


def cart_out(view, currency: str) -> dict:
    locale = current_locale()
    items = [
        CartLineOut(
            id=v.line.id,
            product_id=v.line.product_id,
            variant_id=v.line.variant_id,
            name=v.product.display_name(locale) if v.product else "",
            sku=v.variant.sku if v.variant else "",
            options=dict(v.variant.options) if v.variant else {},
            shop=ShopRef(id=group.shop.id, name=group.shop.name) if group.shop else None,
            qty=v.line.qty,
            unit_price=v.price,
            price_seen=v.line.price_seen,
            line_total=v.total,
            available=v.available,
            problems=[p.value for p in v.problems],
        )
        for group in view.groups
        for v in group.lines
    ]
    out = CartOut(items=items, count=view.count, subtotal=view.subtotal, currency=currency, ready=view.ready)
    return out.model_dump()


def _api_user_store(request: Request):
    return request.app.ctx.c.carts.for_user(request.ctx.user.id)


@bp.get("/api/v1/cart/items", ctx_access="user")
@doc("The cart, checked against current prices and stock", response=CartOut, tag="cart")
async def api_cart(request: Request):
    c = request.app.ctx.c
    view = await services.view(_api_user_store(request), c.products, c.shops)
    return json(cart_out(view, c.settings.currency))


@bp.post("/api/v1/cart/items", ctx_access="user")
@doc(
    "Add a product variant to the cart (price comes from the catalog; 422 when it is not available or the cart is "
    "full)",
    body=CartItemIn,
    response=CartOut,
    status=201,
    tag="cart",
)
async def api_add_item(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, CartItemIn)
    store = _api_user_store(request)
    try:
        await services.add_item(store, c.products, product_id=data.product_id, variant_id=data.variant_id, qty=data.qty)
    except services.NotAvailable:
        raise Invalid({"variant_id": "not available"}) from None
    except services.CartFull:
        raise Invalid({"body": "cart is full"}) from None
    view = await services.view(store, c.products, c.shops)
    return json(cart_out(view, c.settings.currency), status=201)


@bp.patch("/api/v1/cart/items/<line_id:str>", ctx_access="user")
@doc("Change a cart line's quantity", body=CartQtyIn, response=CartOut, tag="cart")
async def api_change_qty(request: Request, line_id: str):
    c = request.app.ctx.c
    data = parse_json(request, CartQtyIn)
    store = _api_user_store(request)
    try:
        await services.change_qty(store, _line_id(line_id), data.qty)
    except services.NotFound:
        raise NotFound("no such cart line") from None
    return json(cart_out(await services.view(store, c.products, c.shops), c.settings.currency))


@bp.delete("/api/v1/cart/items/<line_id:str>", ctx_access="user")
@doc("Remove a cart line", status=204, tag="cart")
async def api_remove_item(request: Request, line_id: str):
    try:
        await services.remove_item(_api_user_store(request), _line_id(line_id))
    except services.NotFound:
        raise NotFound("no such cart line") from None
    return empty()


def _line_id(value: str) -> str:
    if not is_id(value):
        raise NotFound("no such cart line")
    return value
