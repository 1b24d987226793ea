"""Promotions JSON API (v1): what runs, coupons to claim and the wallet, the cart priced by the engine;
marketers' platform coupons and campaigns, merchants' own promotions, coupons and campaign entries,
operators' decisions on entries. Merchant calls are always within the caller's own shop."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import json

from mall.orders import services as orders
from mall.promotions import services
from mall.promotions.models import CouponKind, Scope
from mall.promotions.routes import bp
from mall.promotions.schemas import (
    CampaignActionIn,
    CampaignIn,
    CartPriceIn,
    CartPriceOut,
    ClaimedOut,
    CouponIn,
    CreatedCouponOut,
    CreatedOut,
    DecidedOut,
    DecisionIn,
    EntriesIn,
    EntriesOut,
    FiguresOut,
    MyCouponsOut,
    PromotionsOut,
    ShopPromotionIn,
)
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_json
from mall.web.i18n import gettext as _

CODE_TAKEN = "That code is taken (or no free code could be drawn): choose another"


class Refused(SanicException):
    quiet = True


def refused(exc: services.PromotionError):
    if exc.status == 422 and exc.field:
        return Invalid({exc.field: _(exc.message)})
    return Refused(_(exc.message) % exc.params if exc.params else _(exc.message), status_code=exc.status)


def _tiers(data) -> list[dict]:
    return [tier.model_dump() for tier in data.tiers]


# --- shoppers ------------------------------------------------------------------------------------------


@bp.get("/api/v1/promotions", ctx_access="public")
@doc("Campaigns and claimable coupons running now or coming", response=PromotionsOut, tag="promotions")
async def api_live_promotions(request: Request):
    c = request.app.ctx.c
    now = c.clock.now()
    shown = await services.showcase(c)
    items = [
        {
            "id": cp.id, "kind": "campaign", "name": cp.name, "state": str(cp.state(now)), "starts_at": cp.starts_at,
            "ends_at": cp.ends_at, "detail": {"tiers": cp.tiers, "percent_off": cp.percent_off,
                                              "platform_share_percent": cp.platform_share_percent},
        }
        for cp in shown.campaigns
    ] + [
        {
            "id": cp.id, "kind": f"{cp.scope}_coupon", "name": cp.name, "state": str(cp.state(now)),
            "starts_at": cp.starts_at, "ends_at": cp.ends_at, "shop_id": cp.shop_id,
            "detail": {"kind": str(cp.kind), "value": cp.value, "cap": cp.cap, "min_spend": cp.min_spend,
                       "left": cp.left, "claimable": True},
        }
        for cp in shown.coupons
    ]  # fmt: skip
    return json(PromotionsOut.model_validate({"items": items}).model_dump(mode="json"))


@bp.post("/api/v1/coupons/<coupon_id:str>/claim", ctx_access="user")
@doc("Claim a coupon into your wallet (once)", response=ClaimedOut, status=201, tag="promotions",
     errors={409: "Already in your wallet, all used up, or not claimable"})  # fmt: skip
async def api_claim(request: Request, coupon_id: str):
    try:
        wallet = await services.claim_coupon(request.app.ctx.c, coupon_id, request.ctx.user.id)
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json({"coupon_id": wallet.coupon_id, "claimed_at": wallet.claimed_at.isoformat()}, status=201)


@bp.get("/api/v1/me/coupons", ctx_access="user")
@doc("The coupons in your wallet, with the uses you have left", response=MyCouponsOut, tag="promotions")
async def api_my_coupons(request: Request):
    c = request.app.ctx.c
    now = c.clock.now()
    items = [
        {
            "id": m.coupon.id, "code": m.coupon.code, "name": m.coupon.name, "scope": str(m.coupon.scope),
            "shop_id": m.coupon.shop_id, "kind": str(m.coupon.kind), "value": m.coupon.value, "cap": m.coupon.cap,
            "min_spend": m.coupon.min_spend, "starts_at": m.coupon.starts_at, "ends_at": m.coupon.ends_at,
            "state": str(m.coupon.state(now)), "uses_left": max(m.coupon.per_user - m.uses, 0),
        }
        for m in await services.my_coupons(c, request.ctx.user.id)
    ]  # fmt: skip
    return json(MyCouponsOut.model_validate({"items": items}).model_dump(mode="json"))


@bp.post("/api/v1/cart/price", ctx_access="user")
@doc(
    "Your cart priced by the promotions' engine, as the checkout will price it: per shop the lines with every "
    "discount allocated (and its funding split), shipping, totals; `problems` lists chosen codes that do not apply",
    body=CartPriceIn,
    response=CartPriceOut,
    tag="promotions",
)
async def api_cart_price(request: Request):
    from mall.cart import services as cart

    c = request.app.ctx.c
    user = request.ctx.user
    data = parse_json(request, CartPriceIn)
    region = data.region
    if region is None:
        default = await orders.default_address(c.addresses, user.id)
        region = default.region if default else None
    view = await cart.view(c.carts.for_user(user.id), c.products, c.shops, remember_prices=False)
    found = await orders.quote_cart(c, view, user_id=user.id, region=region, codes=data.coupon_codes)
    return json(CartPriceOut.model_validate(priced_out(found, c.settings.currency)).model_dump())


def priced_out(found, currency: str) -> dict:
    from mall.orders.services.pricing import allocation_dicts, applied_dicts, problems

    priced = found.priced
    shops = [
        {
            "shop_id": shop.shop_id, "subtotal": shop.subtotal, "discount": shop.discount,
            "shipping_fee": shop.shipping_fee, "shipping_discount": shop.shipping_discount, "total": shop.total,
            "lines": [
                {
                    "line_id": lp.line.line_id, "product_id": lp.line.product_id, "variant_id": lp.line.variant_id,
                    "qty": lp.line.qty, "unit_price": lp.line.unit_price,
                    "unit_price_after_limited": lp.unit_price_after_limited, "list_total": lp.list_total,
                    "discount": lp.discount, "net": lp.net, "allocations": allocation_dicts(lp),
                }
                for lp in shop.lines
            ],
        }
        for shop in priced.shops
    ]  # fmt: skip
    return {
        "shops": shops,
        "applied": applied_dicts(priced.applied),
        "problems": problems(found),
        "subtotal": priced.subtotal,
        "discount": priced.discount,
        "shipping": priced.shipping,
        "total": priced.total,
        "currency": currency,
    }


# --- coupons (marketers: platform; merchants: their shop) -------------------------------------------------


async def _create_coupon(request: Request, scope: Scope, shop_id: str | None):
    c = request.app.ctx.c
    data = parse_json(request, CouponIn)
    if data.scope != scope.value:
        raise Invalid({"scope": f"must be {scope.value} here"})
    starts_at, ends_at = data.window()
    try:
        made = await services.create_coupon(
            c, actor_id=request.ctx.user.id, scope=scope, shop_id=shop_id, name=data.name, kind=CouponKind(data.kind),
            value=data.value, cap=data.cap, min_spend=data.min_spend, starts_at=starts_at, ends_at=ends_at,
            total=data.total, per_user=data.per_user, code=data.code, claimable=data.claimable,
        )  # fmt: skip
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json(CreatedCouponOut(id=made.id, code=made.code).model_dump(), status=201)


@bp.post("/api/v1/marketing/coupons", ctx_access="marketer")
@doc("Create a platform coupon (scope platform)", body=CouponIn, response=CreatedCouponOut, status=201,
     tag="marketing", errors={409: CODE_TAKEN})  # fmt: skip
async def api_marketing_coupon(request: Request):
    return await _create_coupon(request, Scope.PLATFORM, None)


@bp.post("/api/v1/merchant/coupons", ctx_access="merchant")
@doc("Create a coupon of your shop (scope shop)", body=CouponIn, response=CreatedCouponOut, status=201,
     tag="merchant", errors={409: CODE_TAKEN})  # fmt: skip
async def api_merchant_coupon(request: Request):
    return await _create_coupon(request, Scope.SHOP, request.ctx.shop_id)


# --- merchants' own promotions and campaign entries -----------------------------------------------------------


@bp.post("/api/v1/merchant/promotions", ctx_access="merchant")
@doc("Create a limited-time discount (限時折扣) or a spend threshold (滿減) for your shop", body=ShopPromotionIn,
     response=CreatedOut, status=201, tag="merchant")  # fmt: skip
async def api_merchant_promotion(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, ShopPromotionIn)
    starts_at, ends_at = data.window()
    common = {"shop_id": request.ctx.shop_id, "actor_id": request.ctx.user.id, "name": data.name,
              "starts_at": starts_at, "ends_at": ends_at}  # fmt: skip
    try:
        if data.kind == "limited_time":
            made = await services.create_limited_time(
                c, **common, product_ids=data.product_ids, variant_ids=data.variant_ids,
                percent_off=data.percent_off, fixed_price=data.fixed_price,
            )  # fmt: skip
        else:
            made = await services.create_threshold(c, **common, tiers=_tiers(data), free_shipping=data.free_shipping)
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json(CreatedOut(id=made.id, status=str(made.state(c.clock.now()))).model_dump(), status=201)


@bp.post("/api/v1/merchant/campaigns/<campaign_id:str>/entries", ctx_access="merchant")
@doc("Enter products of your shop into a platform campaign (each waits for an operator)", body=EntriesIn,
     response=EntriesOut, status=201, tag="merchant", errors={409: "The campaign is over"})  # fmt: skip
async def api_merchant_entries(request: Request, campaign_id: str):
    c = request.app.ctx.c
    data = parse_json(request, EntriesIn)
    try:
        made = await services.enter_products(
            c, shop_id=request.ctx.shop_id, campaign_id=campaign_id, product_ids=data.product_ids
        )
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json({"entries": [{"id": e.id, "product_id": e.product_id, "status": str(e.status)} for e in made]},
                status=201)  # fmt: skip


# --- marketers' campaigns, operators' decisions ---------------------------------------------------------------


@bp.post("/api/v1/marketing/campaigns", ctx_access="marketer")
@doc("Create a joint platform campaign (a draft, or scheduled with `schedule`): platform-wide tiers or percent off "
     "on the products merchants enter and operators approve; the platform funds platform_share_percent",
     body=CampaignIn, response=CreatedOut, status=201, tag="marketing")  # fmt: skip
async def api_marketing_campaign(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, CampaignIn)
    starts_at, ends_at = data.window()
    try:
        made = await services.create_campaign(
            c, actor_id=request.ctx.user.id, name=data.name, theme=data.theme, starts_at=starts_at, ends_at=ends_at,
            platform_share_percent=data.platform_share_percent, tiers=_tiers(data), percent_off=data.percent_off,
            min_health_score=data.min_health_score,
        )  # fmt: skip
        if data.schedule:
            made = await services.schedule(c, made.id)
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json(CreatedOut(id=made.id, status=str(made.state(c.clock.now()))).model_dump(), status=201)


ACTIONS = {
    "schedule": services.schedule,
    "launch": services.launch_now,
    "pause": services.pause,
    "resume": services.resume,
    "stop": services.stop,
}


@bp.post("/api/v1/marketing/campaigns/<campaign_id:str>/actions", ctx_access="marketer")
@doc("Schedule, launch now, pause, resume or stop a campaign", body=CampaignActionIn, response=CreatedOut,
     tag="marketing", errors={409: "Not possible in the campaign's state, or it changed meanwhile"})  # fmt: skip
async def api_campaign_action(request: Request, campaign_id: str):
    c = request.app.ctx.c
    data = parse_json(request, CampaignActionIn)
    try:
        moved = await ACTIONS[data.action](c, campaign_id)
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json(CreatedOut(id=moved.id, status=str(moved.state(c.clock.now()))).model_dump())


@bp.get("/api/v1/marketing/promotions/<promotion_id:str>/figures", ctx_access="marketer")
@doc("What a campaign or coupon did, from the paid orders it discounted", response=FiguresOut, tag="marketing")
async def api_figures(request: Request, promotion_id: str):
    found = await orders.promotion_figures(request.app.ctx.c, promotion_id)
    return json(
        {
            "orders": found.orders, "redemptions": found.checkouts, "gmv": found.gmv, "discount": found.discount,
            "platform_funded": found.platform_funded, "merchant_funded": found.merchant_funded, "units": found.units,
            "top_products": [{"product_id": p, "units": u, "discount": d} for p, _n, u, d in found.top_products],
            "top_shops": [{"shop_id": s, "orders": n, "gmv": g} for s, n, g in found.top_shops],
        }
    )  # fmt: skip


@bp.post("/api/v1/operator/campaign-entries/<entry_id:str>/decision", ctx_access="operator")
@doc("Approve or reject (with a reason) a merchant's product entered in a campaign", body=DecisionIn,
     response=DecidedOut, tag="operator",
     errors={409: "The entry is not waiting for a decision, or the campaign is over"})  # fmt: skip
async def api_decide(request: Request, entry_id: str):
    c = request.app.ctx.c
    data = parse_json(request, DecisionIn)
    try:
        entry = await services.decide_entry(
            c, operator_id=request.ctx.user.id, entry_id=entry_id, approve=data.approve, reason=data.reason
        )
    except services.PromotionError as exc:
        raise refused(exc) from None
    return json({"id": entry.id, "status": str(entry.status)})
