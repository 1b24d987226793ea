"""Flash-sale JSON API (v1). Creating: merchants for their own shop's SKUs (POST /api/v1/merchant/flash-sales),
marketers for any shop's SKU, platform-featured (POST /api/v1/marketing/flash-sales)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import NotFound, SanicException
from sanic.response import json

from mall.flash_sales import services
from mall.flash_sales.models import FlashSale
from mall.flash_sales.schemas import (
    CreatedOut,
    FlashSaleIn,
    FlashSaleListOut,
    FlashSaleOut,
    RefusedOut,
    ReservationIn,
    ReservationOut,
)
from mall.infra.ids import is_id
from mall.web.api import TooManyRequests
from mall.web.apidoc import doc
from mall.web.forms import parse_json
from mall.web.i18n import gettext as _

bp = Blueprint("flash_sales")


class Refused(SanicException):
    quiet = True


def _out(sale: FlashSale, now, remaining: int | None = None) -> dict:
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
        status=sale.state(now),
        featured=sale.featured,
        remaining=remaining,
    ).model_dump(mode="json")


async def _create(request: Request, *, shop_id: str | None, featured: bool):
    c = request.app.ctx.c
    data = parse_json(request, FlashSaleIn)
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
        )
    except services.FlashSaleError as exc:
        raise Refused(_(exc.message), status_code=exc.status) from None
    return json(CreatedOut(id=sale.id).model_dump(), status=201)


@bp.post("/api/v1/merchant/flash-sales", ctx_access="merchant")
@doc(
    "Schedule a flash sale of one of your shop's SKUs; its quantity leaves the SKU's stock now (409 if short)",
    body=FlashSaleIn,
    response=CreatedOut,
    status=201,
    tag="flash-sales",
)
async def merchant_create(request: Request):
    return await _create(request, shop_id=request.ctx.shop_id, featured=False)


@bp.post("/api/v1/marketing/flash-sales", ctx_access="marketer")
@doc(
    "Schedule a platform-featured flash sale of any shop's SKU (marketers)",
    body=FlashSaleIn,
    response=CreatedOut,
    status=201,
    tag="flash-sales",
)
async def marketer_create(request: Request):
    return await _create(request, shop_id=None, featured=True)


@bp.get("/api/v1/flash-sales", ctx_access="public")
@doc("Flash sales running now and upcoming, soonest first", response=FlashSaleListOut, tag="flash-sales")
async def list_sales(request: Request):
    c = request.app.ctx.c
    now = c.clock.now()
    items = [_out(s, now) for s in await services.list_sales(c)]
    return json({"items": items, "now": now.isoformat()})


async def _sale(request: Request, sale_id: str) -> FlashSale:
    sale = await request.app.ctx.c.flash_sales.get(sale_id) if is_id(sale_id) else None
    if sale is None:
        raise NotFound(_("No such flash sale."))
    return sale


@bp.get("/api/v1/flash-sales/<sale_id:str>", ctx_access="public")
@doc("One flash sale with its remaining units", response=FlashSaleOut, tag="flash-sales")
async def one_sale(request: Request, sale_id: str):
    c = request.app.ctx.c
    sale = await _sale(request, sale_id)
    return json(_out(sale, c.clock.now(), await services.remaining(c, sale.id)))


async def _limit(request: Request, user_id: str) -> None:
    c, s = request.app.ctx.c, request.app.ctx.c.settings
    for bucket, limit in (
        (f"flash:user:{user_id}", s.flash_user_rate_limit),
        (f"flash:ip:{request.client_ip or 'unknown'}", s.flash_ip_rate_limit),
    ):
        verdict = await c.limiter.hit(bucket, limit, s.flash_rate_window)
        if not verdict.allowed:
            raise TooManyRequests(
                _("Too many attempts. Try again in a moment."), headers={"Retry-After": str(verdict.retry_after)}
            )


@bp.post("/api/v1/flash-sales/<sale_id:str>/reservations", ctx_access="user")
@doc(
    "Reserve units at the sale price (held flash_hold_seconds for your checkout): 201, 409 {reason: "
    "not_started|ended|sold_out|limit_reached}, or 429 with Retry-After (per-user and per-IP limits)",
    body=ReservationIn,
    response=ReservationOut,
    status=201,
    tag="flash-sales",
)
async def reserve(request: Request, sale_id: str):
    c = request.app.ctx.c
    user = request.ctx.user
    await _limit(request, user.id)
    data = parse_json(request, ReservationIn)
    if not is_id(sale_id):
        raise NotFound(_("No such flash sale."))
    try:
        answer = await services.reserve(c, sale_id, user.id, data.quantity)
    except services.FlashSaleError as exc:
        raise Refused(_(exc.message), status_code=exc.status) from None
    if answer.reason == "missing":
        raise NotFound(_("No such flash sale."))
    if answer.reason != "ok":
        return json(RefusedOut(reason=answer.reason).model_dump(), status=409)
    out = ReservationOut(reservation_id=answer.hold_id, expires_at=answer.expires_at)
    return json(out.model_dump(mode="json"), status=201)
