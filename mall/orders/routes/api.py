"""JSON API v1: checkout, the shopper's orders, the merchant's orders. Typed, closed request
models; merchant calls are scoped to the caller's own shop (another shop's order is a 404)."""

from __future__ import annotations

import re

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import json

from mall.orders import services
from mall.orders.models import OrderStatus
from mall.orders.routes import bp
from mall.orders.routes.common import Conflict, cart_problems, checkout_out, order_out, out_of_stock, refused
from mall.orders.schemas import (
    IDEMPOTENCY_KEY,
    AddressIn,
    CheckoutIn,
    CheckoutOut,
    MerchantCancelIn,
    OrderOut,
    OrderPageOut,
    PageQuery,
    ShipIn,
    ShopperCancelIn,
    StatusQuery,
)
from mall.web.apidoc import Header, doc
from mall.web.forms import Invalid, parse_json, parse_query

REFUSED = "Not possible in the order's state (e.g. already shipped), or busy: retry in a moment"


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("idempotency-key", "")
    if not re.match(IDEMPOTENCY_KEY, key):
        raise Invalid({"Idempotency-Key": "header required: 8-100 characters of A-Z a-z 0-9 _ . : -"})
    return key


@bp.post("/api/v1/checkout", ctx_access="user")
@doc(
    "Place the cart: one checkout (paid once), one order per shop; or, with reservation_id, buy a flash-sale "
    "reservation at the sale price (pay before it expires; the cart is left alone). Send an Idempotency-Key "
    "header: a retry with the same key and body returns the same checkout; the same key with another body is a 422.",
    body=CheckoutIn,
    headers=(Header("Idempotency-Key", "one key per checkout you mean to place (a retry reuses it)", IDEMPOTENCY_KEY),),
    response=CheckoutOut,
    status=201,
    tag="checkout",
    errors={
        409: "Not placed: the cart is empty or not ready, prices or the total changed, out of stock, a coupon does "
        "not apply or was used up, the reservation expired, or the same key is still being placed"
    },
)
async def api_checkout(request: Request):
    c = request.app.ctx.c
    user = request.ctx.user
    key = _idempotency_key(request)
    data = parse_json(request, CheckoutIn)
    address = (
        services.AddressFields(**data.address.model_dump()) if isinstance(data.address, AddressIn) else data.address
    )
    try:
        if data.reservation_id:
            placed = await services.place_flash_checkout(
                c, user_id=user.id, reservation=data.reservation_id, key=key, address=address, notes=data.notes
            )
        else:
            placed = await services.place_checkout(
                c, user_id=user.id, cart=c.carts.for_user(user.id), key=key, address=address, notes=data.notes,
                codes=tuple(data.coupon_codes), expected_total=data.expected_total,
            )  # fmt: skip
    except services.CouponNotUsable as exc:
        raise Conflict("some coupons do not apply: see details", {"coupons": exc.problems}) from None
    except services.CouponUsedUp as exc:
        raise Conflict(f"the coupon {exc.code} was just used up: remove it and place the checkout again") from None
    except services.TotalChanged as exc:
        raise Conflict("a promotion started or ended: the total changed", {"total": exc.total}) from None
    except services.SalePaused:
        raise Conflict("the shop of this flash sale is suspended, so the sale is paused: it cannot be bought") from None
    except services.ReservationGone:
        raise Conflict("the reservation has expired or was already used: reserve again") from None
    except services.EmptyCart:
        raise Conflict("the cart is empty") from None
    except services.CartNotReady as exc:
        raise Conflict(cart_problems(exc.view)) from None
    except services.PricesChanged:
        raise Conflict("prices changed since the cart was last read: review it and place the checkout again") from None
    except services.OutOfStock as exc:
        raise Conflict(out_of_stock(exc)) from None
    except services.KeyReused:
        raise Invalid({"Idempotency-Key": "already used with a different request body"}) from None
    except services.NotFound:
        raise Invalid({"address": "no such saved address"}) from None
    except services.UnknownShopNote:
        raise Invalid({"notes": "a note is addressed to a shop with nothing in the cart"}) from None
    except services.Busy:
        raise Conflict("this checkout is still being placed: retry in a moment") from None
    return json(checkout_out(placed), status=201)


async def _page_out(c, orders, total: int, page: int) -> dict:
    shops = await services.shops_of(c, orders)
    pages = max(1, -(-total // services.PER_PAGE))
    items = [order_out(o, shops) for o in orders]
    return OrderPageOut.model_validate({"items": items, "page": page, "pages": pages, "total": total}).model_dump()


async def _one(c, order) -> dict:
    return order_out(order, await services.shops_of(c, [order]))


@bp.get("/api/v1/orders", ctx_access="user")
@doc("Your orders, newest first", query=PageQuery, response=OrderPageOut, tag="orders")
async def api_orders(request: Request):
    c = request.app.ctx.c
    query = parse_query(request, PageQuery)
    orders, total = await services.shopper_orders(c, user_id=request.ctx.user.id, page=query.page)
    return json(await _page_out(c, orders, total, query.page))


async def _mine(request: Request, order_id: str):
    try:
        return await services.shopper_order(request.app.ctx.c, user_id=request.ctx.user.id, order_id=order_id)
    except services.NotFound:
        raise NotFound("no such order") from None


@bp.get("/api/v1/orders/<order_id:str>", ctx_access="user")
@doc("One of your orders, with its timeline", response=OrderOut, tag="orders")
async def api_order(request: Request, order_id: str):
    return json(await _one(request.app.ctx.c, await _mine(request, order_id)))


@bp.post("/api/v1/orders/<order_id:str>/cancel", ctx_access="user")
@doc(
    "Cancel before shipping (an unpaid order cancels its whole checkout; a paid one is refunded)",
    body=ShopperCancelIn,
    body_required=False,
    response=OrderOut,
    tag="orders",
    errors={409: REFUSED},
)
async def api_cancel(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _mine(request, order_id)
    data = parse_json(request, ShopperCancelIn) if request.body else ShopperCancelIn()
    try:
        order = await services.cancel_by_shopper(c, user_id=request.ctx.user.id, order_id=order.id, reason=data.reason)
    except services.IllegalTransition as exc:
        raise Conflict(refused(exc)) from None
    except services.Busy:
        raise Conflict("busy: retry in a moment") from None
    return json(await _one(c, order))


@bp.post("/api/v1/orders/<order_id:str>/confirm", ctx_access="user")
@doc("Confirm receipt: a shipped or delivered order becomes completed", response=OrderOut, tag="orders",
     errors={409: REFUSED})  # fmt: skip
async def api_confirm(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _mine(request, order_id)
    try:
        order = await services.confirm_receipt(c, user_id=request.ctx.user.id, order_id=order.id)
    except services.IllegalTransition as exc:
        raise Conflict(refused(exc)) from None
    return json(await _one(c, order))


# --- merchant --------------------------------------------------------------------------------------


async def _shops(request: Request, order_id: str):
    try:
        return await services.merchant_order(request.app.ctx.c, shop_id=request.ctx.shop_id, order_id=order_id)
    except services.NotFound:
        raise NotFound("no such order") from None


@bp.get("/api/v1/merchant/orders", ctx_access="merchant")
@doc("Your shop's orders, newest first", query=StatusQuery, response=OrderPageOut, tag="merchant")
async def api_merchant_orders(request: Request):
    c = request.app.ctx.c
    query = parse_query(request, StatusQuery)
    status = OrderStatus(query.status) if query.status else None
    orders, total = await services.shop_orders(c, shop_id=request.ctx.shop_id, status=status, page=query.page)
    return json(await _page_out(c, orders, total, query.page))


@bp.get("/api/v1/merchant/orders/<order_id:str>", ctx_access="merchant")
@doc("One order of your shop", response=OrderOut, tag="merchant")
async def api_merchant_order(request: Request, order_id: str):
    return json(await _one(request.app.ctx.c, await _shops(request, order_id)))


@bp.post("/api/v1/merchant/orders/<order_id:str>/ship", ctx_access="merchant")
@doc("Ship a paid order with the carrier and tracking number", body=ShipIn, response=OrderOut, tag="merchant",
     errors={409: REFUSED})  # fmt: skip
async def api_ship(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _shops(request, order_id)
    data = parse_json(request, ShipIn)
    try:
        order = await services.ship_order(
            c,
            shop_id=request.ctx.shop_id,
            order_id=order.id,
            actor_id=request.ctx.user.id,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
        )
    except services.IllegalTransition as exc:
        raise Conflict(refused(exc)) from None
    return json(await _one(c, order))


@bp.post("/api/v1/merchant/orders/<order_id:str>/cancel", ctx_access="merchant")
@doc(
    "Cancel a paid order with a reason: stock goes back, the shopper is refunded",
    body=MerchantCancelIn,
    response=OrderOut,
    tag="merchant",
    errors={409: REFUSED},
)
async def api_merchant_cancel(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _shops(request, order_id)
    data = parse_json(request, MerchantCancelIn)
    try:
        order = await services.cancel_by_merchant(
            c, shop_id=request.ctx.shop_id, order_id=order.id, actor_id=request.ctx.user.id, reason=data.reason
        )
    except services.IllegalTransition as exc:
        raise Conflict(refused(exc)) from None
    except services.Busy:
        raise Conflict("busy: retry in a moment") from None
    return json(await _one(c, order))
