"""Flash-sale JSON API (v1). Merchants schedule sales of their own shop's SKUs (/api/v1/merchant/...),
marketers of any shop's SKU, platform-featured (/api/v1/marketing/...); shoppers list, read and reserve."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound, SanicException
from sanic.response import json

from mall.flash_sales import services
from mall.flash_sales.models import FlashSale, Reservation
from mall.flash_sales.routes import bp
from mall.flash_sales.schemas import (
    CreatedOut,
    FeaturedSaleIn,
    FlashSaleEditIn,
    FlashSaleIn,
    FlashSaleListOut,
    FlashSaleOut,
    RefusedOut,
    RemainingOut,
    RemainingQuery,
    ReservationIn,
    ReservationOut,
    UnitsCheckIn,
    UnitsCheckOut,
)
from mall.infra.ids import is_id
from mall.infra.text import N_
from mall.web.api import too_many
from mall.web.apidoc import doc
from mall.web.forms import parse_json, parse_query
from mall.web.i18n import gettext as _

STARTED = "The sale has started (or changed meanwhile), or there is not enough stock for the change"
CREATE_ERRORS = {404: "No such SKU (of your shop)", 409: "Not enough stock for this sale"}
RATE_LIMITED = N_("Too many attempts. Try again in a moment.")
MERCHANT_CHANGE_ERRORS = {403: "Your account lacks the role, or the platform's marketers run this sale", 409: STARTED}


class Refused(SanicException):
    quiet = True


def refused(exc: services.FlashSaleError) -> Refused:
    return Refused(_(exc.message) % exc.params if exc.params else _(exc.message), status_code=exc.status)


def sale_out(sale: FlashSale, now, remaining: int | None = None) -> dict:
    return FlashSaleOut(
        id=sale.id,
        shop_id=sale.shop_id,
        product_id=sale.product_id,
        sku_id=sale.variant_id,
        price=sale.price,
        quantity=sale.quantity,
        per_user_limit=sale.per_user_limit,
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
        status=str(sale.state(now)),
        featured=sale.featured,
        remaining=remaining,
    ).model_dump(mode="json")


async def _create(request: Request, *, shop_id: str | None, featured: bool):
    c = request.app.ctx.c
    data = parse_json(request, FeaturedSaleIn if featured else FlashSaleIn)
    starts_at, ends_at = data.window()
    try:
        sale = await services.create_sale(
            c,
            actor_id=request.ctx.user.id,
            product_id=data.product_id,
            variant_id=data.sku_id,
            price=data.price,
            quantity=data.quantity,
            per_user_limit=data.per_user_limit,
            starts_at=starts_at,
            ends_at=ends_at,
            shop_id=shop_id,
            featured=featured,
            min_health_score=getattr(data, "min_health_score", None),
        )
    except services.FlashSaleError as exc:
        raise refused(exc) from None
    return json(CreatedOut(id=sale.id, status=str(sale.state(c.clock.now()))).model_dump(), status=201)


@bp.post("/api/v1/merchant/flash-sales", ctx_access="merchant")
@doc(
    "Schedule a flash sale of one of your shop's SKUs; its quantity leaves the SKU's stock now (409 if short)",
    body=FlashSaleIn,
    response=CreatedOut,
    status=201,
    tag="flash-sales",
    errors=CREATE_ERRORS,
)
async def merchant_create(request: Request):
    return await _create(request, shop_id=request.ctx.shop_id, featured=False)


@bp.post("/api/v1/marketing/flash-sales", ctx_access="marketer")
@doc(
    "Schedule a platform-featured flash sale of any shop's SKU (marketers); it waits for an operator's "
    "approval when the platform asks for one (status pending_approval); min_health_score refuses a shop below it",
    body=FeaturedSaleIn,
    response=CreatedOut,
    status=201,
    tag="flash-sales",
    errors=CREATE_ERRORS,
)
async def marketer_create(request: Request):
    return await _create(request, shop_id=None, featured=True)


async def _edit(request: Request, sale_id: str, shop_id: str | None):
    c = request.app.ctx.c
    data = parse_json(request, FlashSaleEditIn)
    try:
        sale = await services.get_sale(c, sale_id, shop_id=shop_id)
        sale = await services.edit_sale(c, sale.id, shop_id=shop_id, changes=data.changes())
    except services.FlashSaleError as exc:
        raise refused(exc) from None
    return json(sale_out(sale, c.clock.now()))


async def _cancel(request: Request, sale_id: str, shop_id: str | None):
    c = request.app.ctx.c
    try:
        sale = await services.get_sale(c, sale_id, shop_id=shop_id)
        sale = await services.cancel_sale(c, sale.id, shop_id=shop_id)
    except services.FlashSaleError as exc:
        raise refused(exc) from None
    return json(sale_out(sale, c.clock.now()))


@bp.patch("/api/v1/merchant/flash-sales/<sale_id:str>", ctx_access="merchant")
@doc("Change a sale of your shop before it starts (a quantity change moves units to or from stock)",
     body=FlashSaleEditIn, response=FlashSaleOut, tag="flash-sales", errors=MERCHANT_CHANGE_ERRORS)  # fmt: skip
async def merchant_edit(request: Request, sale_id: str):
    return await _edit(request, sale_id, request.ctx.shop_id)


@bp.post("/api/v1/merchant/flash-sales/<sale_id:str>/cancel", ctx_access="merchant")
@doc("Cancel a sale of your shop before it starts; its units go back to stock", response=FlashSaleOut,
     tag="flash-sales", errors=MERCHANT_CHANGE_ERRORS)  # fmt: skip
async def merchant_cancel(request: Request, sale_id: str):
    return await _cancel(request, sale_id, request.ctx.shop_id)


@bp.patch("/api/v1/marketing/flash-sales/<sale_id:str>", ctx_access="marketer")
@doc("Change any sale before it starts (marketers)", body=FlashSaleEditIn, response=FlashSaleOut, tag="flash-sales",
     errors={409: STARTED})  # fmt: skip
async def marketer_edit(request: Request, sale_id: str):
    return await _edit(request, sale_id, None)


@bp.post("/api/v1/marketing/flash-sales/<sale_id:str>/cancel", ctx_access="marketer")
@doc("Cancel any sale before it starts (marketers)", response=FlashSaleOut, tag="flash-sales", errors={409: STARTED})
async def marketer_cancel(request: Request, sale_id: str):
    return await _cancel(request, sale_id, None)


@bp.post("/api/v1/operator/flash-sales/<sale_id:str>/reconcile", ctx_access="operator")
@doc(
    "Check a sale's units in the running app (allocated = remaining + held + sold, the orders being the truth) "
    "and rebuild Redis from the orders when it lost the sale, or when asked (operators)",
    body=UnitsCheckIn,
    response=UnitsCheckOut,
    tag="flash-sales",
)
async def operator_reconcile(request: Request, sale_id: str):
    data = parse_json(request, UnitsCheckIn)
    try:
        report = await services.reconcile(request.app.ctx.c, sale_id, rebuild=data.rebuild)
    except services.FlashSaleError as exc:
        raise refused(exc) from None
    out = UnitsCheckOut(
        sale_id=sale_id,
        allocated=report.allocated,
        remaining=report.remaining,
        held=report.held,
        sold=report.sold,
        sold_in_redis=report.sold_redis,
        drift=report.drift,
        rebuilt=report.rebuilt,
        notes=report.notes,
    )
    return json(out.model_dump())


@bp.get("/api/v1/flash-sales", ctx_access="public")
@doc("Flash sales running now and upcoming, soonest first, with their remaining units",
     response=FlashSaleListOut, tag="flash-sales")  # fmt: skip
async def list_sales(request: Request):
    c = request.app.ctx.c
    now = c.clock.now()
    sales = await services.list_sales(c)
    left = await services.remaining_many(c, [s.id for s in sales])
    return json({"items": [sale_out(s, now, left.get(s.id)) for s in sales], "now": now.isoformat()})


@bp.get("/api/v1/flash-sales/remaining", ctx_access="public", ctx_lean=True)
@doc("Units left now in each of these sales (?ids=, up to 50, comma-separated), from Redis alone: for pages "
     "that poll instead of following the deals channel", query=RemainingQuery, response=RemainingOut,
     tag="flash-sales")  # fmt: skip
async def remaining_now(request: Request):
    data = parse_query(request, RemainingQuery)
    return json({"remaining": await services.remaining_now(request.app.ctx.c, data.sale_ids())})


async def _public_sale(request: Request, sale_id: str) -> FlashSale:
    try:
        return await services.public_sale(request.app.ctx.c, sale_id)
    except services.FlashSaleError:
        raise NotFound(_("No such flash sale.")) from None


@bp.get("/api/v1/flash-sales/<sale_id:str>", ctx_access="public")
@doc("One flash sale with its remaining units", response=FlashSaleOut, tag="flash-sales")
async def one_sale(request: Request, sale_id: str):
    c = request.app.ctx.c
    sale = await _public_sale(request, sale_id)
    return json(sale_out(sale, c.clock.now(), await services.remaining(c, sale.id)))


@bp.post("/api/v1/flash-sales/<sale_id:str>/reservations", ctx_access="user", ctx_lean=True)
@doc(
    "Reserve units at the sale price, held flash_hold_seconds for your checkout (POST /api/v1/checkout with "
    "reservation_id): 201, 409 {reason: not_started|ended|sold_out|limit_reached|shop_suspended}, or 429 with "
    "Retry-After (per-user and per-IP limits). With the session cookie instead of a Bearer token, send the "
    "session's CSRF token in X-CSRF-Token",
    body=ReservationIn,
    response=ReservationOut,
    status=201,
    tag="flash-sales",
    errors={
        409: ("Not reserved: `reason` is not_started, ended, sold_out or limit_reached", RefusedOut),
        429: "Too many attempts by you or from your address: wait Retry-After seconds",
    },
)
async def reserve(request: Request, sale_id: str):
    data = parse_json(request, ReservationIn)
    answer = await attempt(request, sale_id, request.ctx.user_id, data.quantity)
    if answer.reason == "ok":
        out = ReservationOut(reservation_id=answer.id, expires_at=answer.expires_at)
        return json(out.model_dump(mode="json"), status=201)
    if answer.reason == "rate_limited":
        return too_many(request, answer.retry_after, _(RATE_LIMITED))
    return json({"reason": answer.reason}, status=409)


async def attempt(request: Request, sale_id: str, user_id: str, qty: int) -> Reservation:
    """The signed-in user's attempt (pages and API): 404 for no such sale; the answer's reason otherwise
    (ok, rate_limited with retry_after, or why not)."""
    if not is_id(sale_id):
        raise NotFound(_("No such flash sale."))
    c = request.app.ctx.c
    try:
        answer = await services.reserve(c, sale_id, user_id, qty, ip=request.client_ip or "unknown")
    except services.FlashSaleError as exc:
        raise refused(exc) from None
    if answer.reason == "missing":
        raise NotFound(_("No such flash sale."))
    return answer
