"""The merchant's promotions (issue 6): the shop's own limited-time discounts (限時折扣), spend thresholds (滿減)
and coupons (優惠券) at /merchant/promotions, the platform's campaigns (聯合促銷) it may enter products into at
/merchant/campaigns, and who paid for the discounts at /merchant/promotions/funding.

Every route is for the shop's people (ctx_access="merchant") and acts on request.ctx.shop_id only; the pages
themselves are in merchant_pages.py and merchant_campaigns.py. Handler names start with merchant_: the
promotions blueprint is shared with the API, the marketers' console and the shoppers' pages."""

from __future__ import annotations

from sanic import Request

from mall.promotions.routes import bp
from mall.promotions.routes import merchant_campaigns as campaigns
from mall.promotions.routes import merchant_pages as pages

BASE = "/merchant/promotions"


@bp.get(BASE, ctx_access="merchant")
async def merchant_promotion_list(request: Request):
    return await pages.promotions_list(request)


@bp.get(f"{BASE}/limited/new", ctx_access="merchant")
async def merchant_new_limited(request: Request):
    return await pages.new_form(request, "limited")


@bp.get(f"{BASE}/threshold/new", ctx_access="merchant")
async def merchant_new_threshold(request: Request):
    return await pages.new_form(request, "threshold")


@bp.get(f"{BASE}/coupons/new", ctx_access="merchant")
async def merchant_new_coupon(request: Request):
    return await pages.new_form(request, "coupon")


@bp.post(f"{BASE}/limited", ctx_access="merchant")
async def merchant_create_limited(request: Request):
    return await pages.create(request, "limited")


@bp.post(f"{BASE}/threshold", ctx_access="merchant")
async def merchant_create_threshold(request: Request):
    return await pages.create(request, "threshold")


@bp.post(f"{BASE}/coupons", ctx_access="merchant")
async def merchant_create_coupon(request: Request):
    return await pages.create(request, "coupon")


@bp.post(f"{BASE}/<promotion_id:str>/<action:str>", ctx_access="merchant")
async def merchant_control_promotion(request: Request, promotion_id: str, action: str):
    return await pages.control(request, "promotion", promotion_id, action)


@bp.post(f"{BASE}/coupons/<coupon_id:str>/<action:str>", ctx_access="merchant")
async def merchant_control_coupon(request: Request, coupon_id: str, action: str):
    return await pages.control(request, "coupon", coupon_id, action)


@bp.get(f"{BASE}/funding", ctx_access="merchant")
async def merchant_funding(request: Request):
    return await campaigns.funding_page(request)


@bp.get("/merchant/campaigns", ctx_access="merchant")
async def merchant_campaign_list(request: Request):
    return await campaigns.campaigns_list(request)


@bp.get("/merchant/campaigns/<campaign_id:str>", ctx_access="merchant")
async def merchant_campaign_page(request: Request, campaign_id: str):
    return await campaigns.campaign_page(request, campaign_id)


@bp.post("/merchant/campaigns/<campaign_id:str>/entries", ctx_access="merchant")
async def merchant_enter_products(request: Request, campaign_id: str):
    return await campaigns.enter(request, campaign_id)


@bp.post("/merchant/campaigns/<campaign_id:str>/entries/<product_id:str>/withdraw", ctx_access="merchant")
async def merchant_withdraw_entry(request: Request, campaign_id: str, product_id: str):
    return await campaigns.withdraw(request, campaign_id, product_id)
