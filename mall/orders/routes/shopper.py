"""The shopper's pages: checkout, the checkout's status, orders, cancel and confirm receipt."""

from __future__ import annotations

import re
import secrets
from functools import partial

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.cart import services as cart
from mall.infra.ids import is_id
from mall.orders import services
from mall.orders.models import REGIONS
from mall.orders.routes import bp, flash_checkout
from mall.orders.routes.addresses import address_errors, remember_address
from mall.orders.routes.common import out_of_stock, page, refused, regions
from mall.orders.schemas import IDEMPOTENCY_KEY, AddressIn, CheckoutIn
from mall.promotions.services import chosen
from mall.web.forms import Invalid, page_number, validate
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _

ADDRESS_FIELDS = ("name", "phone", "postal_code", "region", "line")
FORM_FIELDS = {"csrf_token", "checkout_token", "address_id", "save_address", *ADDRESS_FIELDS}
PROMO_FIELDS = {"coupon", "expected_total"}  # the cart's checkout: the codes that applied and the total shown
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")


async def _checkout_page(
    request: Request, *, form=None, errors=None, notice=None, status=200, flash=None, problems=None
):
    """The cart's checkout, priced by the promotions' engine with the cart's coupon codes for the chosen address
    (`problems`: codes a placing refused), or (flash) the checkout of one flash-sale reservation."""
    c = request.app.ctx.c
    user = request.ctx.user
    form = form or {}
    view = flash.view if flash else await cart.view(c.carts.for_user(user.id), c.products, c.shops)
    book = await services.list_addresses(c.addresses, user.id)
    chosen_address = form.get("address_id") or request.args.get("address_id") or (book[0].id if book else "new")
    saved = next((a for a in book if a.id == chosen_address), None)
    region = saved.region if saved else form.get("region") or request.args.get("region") or ""
    promo = {} if flash else await _priced(request, view, region if region in REGIONS else None)
    if flash:
        shops = [g.shop.id for g in view.groups if g.shop]
        templates = await services.templates_for(c.shipping, shops)
        fees = {g.shop.id: templates[g.shop.id].fee_for(g.subtotal, region) for g in view.groups if g.shop}
        total = view.subtotal + sum(fees.values())
    else:
        fees = {shop.shop_id: shop.shipping for shop in promo["priced"].shops}
        total = promo["priced"].total
    return await page(
        request,
        "orders/checkout.html",
        fragment="orders/_checkout_totals.html",
        status=status,
        view=view,
        book=book,
        chosen=chosen_address if saved else "new",
        region=region if region in REGIONS else "",
        fees=fees,
        total=total,
        problems=problems or [],
        live_deals=not flash,
        **promo,
        regions=regions(current_locale()),
        form=form,
        errors=errors or {},
        notice=notice,
        token=secrets.token_urlsafe(18),
        flash=flash,
    )


async def _priced(request: Request, view, region: str | None) -> dict:
    """The cart priced with the session's coupon codes; the codes that apply go into the form."""
    c = request.app.ctx.c
    codes = chosen.codes_in(request.ctx.session)
    found = await services.quote_cart(c, view, user_id=request.ctx.user.id, region=region, codes=codes)
    states = chosen.chosen_codes(found, codes)
    return {
        "priced": found.priced,
        "codes": states,
        "applying": chosen.applying(states),
        "line_prices": {lp.line.line_id: lp for shop in found.priced.shops for lp in shop.lines},
    }


@bp.get("/checkout", ctx_access="user")
async def checkout_page(request: Request):
    c = request.app.ctx.c
    reservation = request.args.get("reservation")
    typed = request.ctx.session.take_draft(request.path)  # what was typed before the session ended
    if reservation is not None:
        flash = await flash_checkout.reserved(c, request.ctx.user.id, reservation)
        if not flash:
            return await flash_checkout.gone(request, reservation)
        return await _checkout_page(request, form=typed, flash=flash)
    if not await c.carts.for_user(request.ctx.user.id).lines():
        request.ctx.session.flash(_("Your cart is empty."), "info")
        return redirect("/cart")
    return await _checkout_page(request, form=typed)


def _parse_checkout_form(
    request: Request, *, reservation: bool = False
) -> tuple[services.AddressFields | str, dict[str, str], str]:
    """(address, notes, idempotency key) from the checkout form; Invalid for anything else in it
    (`reservation` is expected only in the checkout of a flash-sale reservation)."""
    fields = {key: request.form.get(key, "") for key in request.form}
    allowed = FORM_FIELDS | {"reservation"} if reservation else FORM_FIELDS | PROMO_FIELDS
    unknown = [k for k in fields if k not in allowed and not (k.startswith("note_") and is_id(k[5:]))]
    if unknown:
        raise Invalid({"form": _("The form contained fields it should not have. Reload the page and try again.")})
    key = fields.get("checkout_token", "")
    if not re.match(IDEMPOTENCY_KEY, key):
        raise Invalid({"form": _("Your form has expired. Reload the page and try again.")})
    choice = fields.get("address_id") or "new"
    address = {k: fields.get(k, "") for k in ADDRESS_FIELDS} if choice == "new" else choice
    notes = {k[5:]: v.strip() for k, v in fields.items() if k.startswith("note_") and v.strip()}
    try:
        data = validate(CheckoutIn, {"address": address, "notes": notes})
    except Invalid as exc:
        raise Invalid(address_errors(exc.errors)) from None
    if isinstance(data.address, AddressIn):
        return services.AddressFields(**data.address.model_dump()), data.notes, key
    return data.address, data.notes, key


def _promotion_fields(request: Request) -> tuple[tuple[str, ...], int | None]:
    """(codes, expected total) the checkout page put in its form: the codes that applied, the total it showed."""
    codes = tuple(str(code).strip().upper() for code in request.form.getlist("coupon") or [])
    expected = str(request.form.get("expected_total", "")).strip()
    malformed = expected and not expected.isdigit()
    if len(codes) > chosen.MAX_CODES or not all(CODE.match(code) for code in codes) or malformed:
        raise Invalid({"form": _("Your form has expired. Reload the page and try again.")})
    return codes, int(expected) if expected else None


@bp.post("/checkout", ctx_access="user")
async def place_checkout(request: Request):
    c = request.app.ctx.c
    user = request.ctx.user
    form = {key: request.form.get(key, "") for key in request.form}
    reservation = request.form.get("reservation")
    flash = await flash_checkout.reserved(c, user.id, reservation) if reservation is not None else None
    if reservation is not None and flash is None:
        return await flash_checkout.gone(request, reservation)
    again = partial(_checkout_page, flash=flash)
    try:
        address, notes, key = _parse_checkout_form(request, reservation=flash is not None)
        if flash:
            placed = await services.place_flash_checkout(
                c, user_id=user.id, reservation=flash.reservation, key=key, address=address, notes=notes
            )
        else:
            codes, expected = _promotion_fields(request)
            placed = await services.place_checkout(
                c, user_id=user.id, cart=c.carts.for_user(user.id), key=key, address=address, notes=notes,
                codes=codes, expected_total=expected,
            )  # fmt: skip
    except services.ReservationGone:
        return await flash_checkout.gone(request, reservation)
    except Invalid as exc:
        return await again(request, form=form, errors=exc.errors, status=422)
    except services.EmptyCart:
        request.ctx.session.flash(_("Your cart is empty."), "info")
        return redirect("/cart", status=303)
    except services.CartNotReady:
        notice = _("Some items changed since you added them. Check your cart below, then place your order.")
        return await again(request, form=form, notice=notice, status=409)
    except services.PricesChanged:
        notice = _("Some prices changed since you last looked. Check the new total, then place your order again.")
        return await again(request, form=form, notice=notice, status=409)
    except services.OutOfStock as exc:
        return await again(request, form=form, notice=out_of_stock(exc), status=409)
    except services.KeyReused:
        notice = _("This form was already used for a different order. Check the details and place your order again.")
        return await again(request, form=form, notice=notice, status=422)
    except services.NotFound:
        return await again(request, form=form, errors={"address_id": _("Choose one of your addresses.")}, status=422)
    except services.UnknownShopNote:
        return await again(request, form=form, notice=_("Your cart changed. Check it, then try again."), status=422)
    except services.Busy:
        notice = _("We are still placing your order from your first click. Wait a moment, then open My orders.")
        return await again(request, form=form, notice=notice, status=409)
    except services.TotalChanged:
        notice = _(
            "A promotion started or ended since you opened this page: check the new total, then place your order."
        )
        return await again(request, form=form, notice=notice, status=409)
    except services.CouponNotUsable as exc:
        notice = _("Some coupons no longer apply, so nothing was placed. Check the new total, then place your order.")
        return await again(request, form=form, notice=notice, problems=exc.problems, status=409)
    except services.CouponUsedUp as exc:
        notice = _(
            "The last use of coupon %(code)s just went to someone else, so nothing was placed. "
            "Check the new total, then place your order."
        ) % {"code": exc.code}
        return await again(request, form=form, notice=notice, status=409)
    if isinstance(address, services.AddressFields) and form.get("save_address"):
        await remember_address(c, user.id, address)
    if not flash and (used := {use.code for use in placed.checkout.coupons}):
        request.ctx.session[chosen.SESSION_KEY] = [x for x in chosen.codes_in(request.ctx.session) if x not in used]
    return redirect(placed.checkout.payment_url or f"/checkouts/{placed.checkout.id}", status=303)


@bp.get("/checkouts/<checkout_id:str>", ctx_access="user")
async def checkout_status(request: Request, checkout_id: str):
    c = request.app.ctx.c
    try:
        placed = await services.checkout_for_user(c, user_id=request.ctx.user.id, checkout_id=checkout_id)
    except services.NotFound:
        raise NotFound(_("We could not find that checkout.")) from None
    return await page(request, "orders/checkout_status.html", placed=placed)


@bp.post("/checkouts/<checkout_id:str>/cancel", ctx_access="user")
async def cancel_checkout(request: Request, checkout_id: str):
    c = request.app.ctx.c
    try:
        await services.cancel_checkout(c, user_id=request.ctx.user.id, checkout_id=checkout_id)
        request.ctx.session.flash(_("Your checkout is cancelled and nothing was charged."), "success")
    except services.NotFound:
        raise NotFound(_("We could not find that checkout.")) from None
    except services.IllegalTransition as exc:
        request.ctx.session.flash(refused(exc), "error")
    except services.Busy:
        request.ctx.session.flash(_("This checkout is busy. Try again in a moment."), "error")
    return redirect(f"/checkouts/{checkout_id}", status=303)


@bp.get("/orders", ctx_access="user")
async def my_orders(request: Request):
    c = request.app.ctx.c
    number = page_number(request)
    orders, total = await services.shopper_orders(c, user_id=request.ctx.user.id, page=number)
    shops = await services.shops_of(c, orders)
    pages = max(1, -(-total // services.PER_PAGE))
    return await page(request, "orders/my_orders.html", orders=orders, shops=shops, page=number, pages=pages)


async def _my_order(request: Request, order_id: str):
    try:
        return await services.shopper_order(request.app.ctx.c, user_id=request.ctx.user.id, order_id=order_id)
    except services.NotFound:
        raise NotFound(_("We could not find that order.")) from None


@bp.get("/orders/<order_id:str>", ctx_access="user")
async def my_order(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _my_order(request, order_id)
    shops = await services.shops_of(c, [order])
    siblings = await services.sibling_orders(c, order)
    return await page(request, "orders/my_order.html", order=order, shop=shops.get(order.shop_id), siblings=siblings)


@bp.post("/orders/<order_id:str>/cancel", ctx_access="user")
async def cancel_my_order(request: Request, order_id: str):
    order = await _my_order(request, order_id)
    reason = str(request.form.get("reason", ""))[:500].strip()
    try:
        await services.cancel_by_shopper(
            request.app.ctx.c, user_id=request.ctx.user.id, order_id=order.id, reason=reason
        )
        request.ctx.session.flash(_("The order is cancelled. Any payment is refunded."), "success")
    except services.IllegalTransition as exc:
        request.ctx.session.flash(refused(exc), "error")
    except services.Busy:
        request.ctx.session.flash(_("This order is busy. Try again in a moment."), "error")
    return redirect(f"/orders/{order.id}", status=303)


@bp.post("/orders/<order_id:str>/confirm", ctx_access="user")
async def confirm_my_order(request: Request, order_id: str):
    order = await _my_order(request, order_id)
    try:
        await services.confirm_receipt(request.app.ctx.c, user_id=request.ctx.user.id, order_id=order.id)
        request.ctx.session.flash(_("Thank you! The order is complete."), "success")
    except services.IllegalTransition as exc:
        request.ctx.session.flash(refused(exc), "error")
    return redirect(f"/orders/{order.id}", status=303)
