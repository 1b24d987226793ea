"""The merchant's order pages and shipping template. Every query is scoped to
request.ctx.shop_id (the signed-in member's own shop), never to anything in the request:
another shop's order is a 404, and nothing is written.

A ship or cancel form that fails goes back to the order's own URL (post/redirect/get) with its errors
and what was typed kept in the session for that one view, so the address bar, a reload and the page's
live refresh all use /merchant/orders/<id>."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.infra.money import to_major_text, to_minor
from mall.orders import services
from mall.orders.models import REGIONS, ship_by, shipped_late
from mall.orders.routes import bp
from mall.orders.routes.common import page, refused, regions, status_filter
from mall.orders.schemas import MerchantCancelIn, ShipIn
from mall.web.forms import Invalid, page_number, parse_form
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import is_htmx

TABS = ("", "paid", "shipped", "delivered", "completed", "pending_payment", "cancelled", "expired")


@bp.get("/merchant/orders", ctx_access="merchant")
async def merchant_orders(request: Request):
    c = request.app.ctx.c
    status = status_filter(request)
    number = page_number(request)
    orders, total = await services.shop_orders(c, shop_id=request.ctx.shop_id, status=status, page=number)
    counts = await services.status_counts(c, shop_id=request.ctx.shop_id)
    return await page(
        request,
        "orders/merchant_orders.html",
        fragment="orders/_merchant_order_table.html",
        orders=orders,
        chosen=status.value if status else "",
        tabs=TABS,
        counts=counts,
        page=number,
        pages=max(1, -(-total // services.PER_PAGE)),
    )


async def _shop_order(request: Request, order_id: str):
    try:
        return await services.merchant_order(request.app.ctx.c, shop_id=request.ctx.shop_id, order_id=order_id)
    except services.NotFound:
        raise NotFound(_("We could not find that order.")) from None


FAILED_FORM = "order_form"  # session key: {order, errors, form} of the last failed form, shown once


def _back_with_errors(request: Request, order, *, errors: dict, form: dict):
    kept = {k: str(v)[:600] for k, v in form.items()}
    request.ctx.session[FAILED_FORM] = {"order": order.id, "errors": errors, "form": kept}
    return redirect(f"/merchant/orders/{order.id}", status=303)


def _failed_form(request: Request, order) -> tuple[dict, dict]:
    kept = request.ctx.session.pop(FAILED_FORM, None) if FAILED_FORM in request.ctx.session else None
    if not isinstance(kept, dict) or kept.get("order") != order.id:
        return {}, {}
    return kept.get("errors") or {}, kept.get("form") or {}


async def _detail(request: Request, order, *, errors=None, form=None, status=200):
    shopper = (await services.shoppers_of(request.app.ctx.c, [order])).get(order.user_id)
    return await page(
        request,
        "orders/merchant_order.html",
        order=order,
        shopper=shopper,
        errors=errors or {},
        form=form or {},
        status=status,
        ship_by=ship_by(order, request.app.ctx.c.settings.ship_by_hours),
        shipped_late=shipped_late(order, request.app.ctx.c.settings.ship_by_hours, request.app.ctx.c.clock.now()),
    )


@bp.get("/merchant/orders/<order_id:str>", ctx_access="merchant")
async def merchant_order(request: Request, order_id: str):
    order = await _shop_order(request, order_id)
    errors, form = _failed_form(request, order) if not is_htmx(request) else ({}, {})
    return await _detail(request, order, errors=errors, form=form)


@bp.get("/merchant/orders/<order_id:str>/packing-slip", ctx_access="merchant")
async def packing_slip(request: Request, order_id: str):
    order = await _shop_order(request, order_id)
    shops = await services.shops_of(request.app.ctx.c, [order])
    return await page(request, "orders/packing_slip.html", order=order, shop=shops.get(order.shop_id))


@bp.post("/merchant/orders/<order_id:str>/ship", ctx_access="merchant")
async def ship(request: Request, order_id: str):
    order = await _shop_order(request, order_id)
    form = {k: request.form.get(k, "") for k in ("carrier", "tracking_number")}
    try:
        data = parse_form(request, ShipIn)
        await services.ship_order(
            request.app.ctx.c,
            shop_id=request.ctx.shop_id,
            order_id=order.id,
            actor_id=request.ctx.user.id,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
        )
    except Invalid as exc:
        errors = {
            "carrier": _("Enter the carrier, e.g. Chunghwa Post or Black Cat."),
            "tracking_number": _("Enter the tracking number: 3 to 40 letters, digits or hyphens."),
        }
        shown = {k: v for k, v in errors.items() if k in exc.errors} or {"form": _("Please check the form.")}
        return _back_with_errors(request, order, errors=shown, form=form)
    except services.IllegalTransition as exc:
        request.ctx.session.flash(refused(exc), "error")
        return redirect(f"/merchant/orders/{order.id}", status=303)
    request.ctx.session.flash(_("Marked as shipped. The shopper can now follow the parcel."), "success")
    return redirect(f"/merchant/orders/{order.id}", status=303)


@bp.post("/merchant/orders/<order_id:str>/deliver", ctx_access="merchant")
async def deliver(request: Request, order_id: str):
    order = await _shop_order(request, order_id)
    try:
        await services.mark_delivered(
            request.app.ctx.c, shop_id=request.ctx.shop_id, order_id=order.id, actor_id=request.ctx.user.id
        )
        request.ctx.session.flash(_("Marked as delivered."), "success")
    except services.IllegalTransition as exc:
        request.ctx.session.flash(refused(exc), "error")
    return redirect(f"/merchant/orders/{order.id}", status=303)


@bp.post("/merchant/orders/<order_id:str>/cancel", ctx_access="merchant")
async def cancel(request: Request, order_id: str):
    order = await _shop_order(request, order_id)
    form = {"reason": request.form.get("reason", "")}
    try:
        data = parse_form(request, MerchantCancelIn)
        await services.cancel_by_merchant(
            request.app.ctx.c,
            shop_id=request.ctx.shop_id,
            order_id=order.id,
            actor_id=request.ctx.user.id,
            reason=data.reason,
        )
    except Invalid:
        errors = {"reason": _("Tell the shopper why, in a few words (3 to 500 characters).")}
        return _back_with_errors(request, order, errors=errors, form=form)
    except services.IllegalTransition as exc:
        request.ctx.session.flash(refused(exc), "error")
        return redirect(f"/merchant/orders/{order.id}", status=303)
    except services.Busy:
        request.ctx.session.flash(_("This order is busy. Try again in a moment."), "error")
        return redirect(f"/merchant/orders/{order.id}", status=303)
    request.ctx.session.flash(_("The order is cancelled; the stock is back and the shopper is refunded."), "success")
    return redirect(f"/merchant/orders/{order.id}", status=303)


# --- shipping template ---------------------------------------------------------------------------


def _template_form(template, currency: str) -> dict:
    def text(value: int | None) -> str:
        return "" if value is None else to_major_text(value, currency)

    form = {"flat_fee": text(template.flat_fee), "free_over": text(template.free_over)}
    form.update({f"fee_{code}": text(fee) for code, fee in template.region_fees.items()})
    return form


def _parse_template(request: Request, currency: str) -> tuple[int, int | None, dict[str, int]]:
    allowed = {"csrf_token", "flat_fee", "free_over", *(f"fee_{code}" for code in REGIONS)}
    if set(request.form or {}) - allowed:
        raise Invalid({"form": _("The form contained fields it should not have. Reload the page and try again.")})
    errors: dict[str, str] = {}

    def amount(name: str, *, required: bool) -> int | None:
        raw = str(request.form.get(name, "")).strip()
        if not raw and not required:
            return None
        try:
            value = to_minor(raw, currency)
        except ValueError:
            value = -1
        if not 0 <= value < 10**12:
            errors[name] = _("Enter an amount like 60 or 1000.")
        return value

    flat = amount("flat_fee", required=True)
    free_over = amount("free_over", required=False)
    fees = {code: amount(f"fee_{code}", required=False) for code in REGIONS}
    if errors:
        raise Invalid(errors)
    return flat, free_over or None, {code: fee for code, fee in fees.items() if fee is not None}


async def _shipping_page(request: Request, *, form, errors=None, status=200):
    return await page(
        request,
        "orders/merchant_shipping.html",
        form=form,
        errors=errors or {},
        regions=regions(current_locale()),
        status=status,
    )


@bp.get("/merchant/shipping", ctx_access="merchant")
async def shipping_page(request: Request):
    c = request.app.ctx.c
    template = await services.template_for(c.shipping, request.ctx.shop_id)
    return await _shipping_page(request, form=_template_form(template, c.settings.currency))


@bp.post("/merchant/shipping", ctx_access="merchant")
async def save_shipping(request: Request):
    c = request.app.ctx.c
    form = {k: request.form.get(k, "") for k in request.form if k != "csrf_token"}
    try:
        flat, free_over, fees = _parse_template(request, c.settings.currency)
        await services.save_template(
            c.shipping, c.clock, shop_id=request.ctx.shop_id, flat_fee=flat, free_over=free_over, region_fees=fees
        )
    except Invalid as exc:
        return await _shipping_page(request, form=form, errors=exc.errors, status=422)
    except services.InvalidTemplate as exc:
        field = exc.field.replace("region_fees.", "fee_")
        return await _shipping_page(request, form=form, errors={field: _("That amount is too large.")}, status=422)
    request.ctx.session.flash(_("Shipping fees saved. New checkouts use them."), "success")
    return redirect("/merchant/shipping", status=303)
