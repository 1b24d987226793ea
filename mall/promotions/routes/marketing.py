"""The marketers' console for promotions (issue 6): joint platform campaigns (聯合促銷) at /marketing/campaigns and
platform coupons at /marketing/coupons: create, schedule, launch, pause, resume, stop; a preview of the products
and prices a campaign touches before it runs, and a live dashboard (orders, GMV, redemptions, top products and
shops) while it runs. Operators approve or refuse the products merchants enter at /operator/campaign-entries.

Routes deny by default: ctx_access="marketer" (or "operator"). The pages are in marketing_pages.py; handler
names start with marketing_ or operator_ (the promotions blueprint is shared)."""

from __future__ import annotations

from sanic import Request

from mall.promotions.routes import bp
from mall.promotions.routes import marketing_pages as pages

CAMPAIGNS, COUPONS, ENTRIES = pages.CAMPAIGNS, pages.COUPONS, pages.ENTRIES


@bp.get(CAMPAIGNS, ctx_access="marketer")
async def marketing_campaigns(request: Request):
    return await pages.campaign_list(request)


@bp.get(f"{CAMPAIGNS}/summary", ctx_access="marketer")
async def marketing_campaign_summary(request: Request):
    return await pages.campaign_summary(request)


@bp.get(f"{CAMPAIGNS}/new", ctx_access="marketer")
async def marketing_new_campaign(request: Request):
    return await pages.new_campaign(request)


@bp.post(CAMPAIGNS, ctx_access="marketer")
async def marketing_create_campaign(request: Request):
    return await pages.create_campaign(request)


@bp.get(f"{CAMPAIGNS}/<campaign_id:str>", ctx_access="marketer")
async def marketing_campaign(request: Request, campaign_id: str):
    return await pages.campaign_detail(request, campaign_id)


@bp.get(f"{CAMPAIGNS}/<campaign_id:str>/figures", ctx_access="marketer")
async def marketing_campaign_figures(request: Request, campaign_id: str):
    return await pages.figures(request, "campaign", campaign_id)


@bp.get(f"{CAMPAIGNS}/<campaign_id:str>/edit", ctx_access="marketer")
async def marketing_edit_campaign_form(request: Request, campaign_id: str):
    return await pages.edit_campaign_form(request, campaign_id)


@bp.post(f"{CAMPAIGNS}/<campaign_id:str>/edit", ctx_access="marketer")
async def marketing_edit_campaign(request: Request, campaign_id: str):
    return await pages.edit_campaign(request, campaign_id)


@bp.post(f"{CAMPAIGNS}/<campaign_id:str>/<action:str>", ctx_access="marketer")
async def marketing_campaign_action(request: Request, campaign_id: str, action: str):
    return await pages.campaign_action(request, campaign_id, action)


@bp.get(COUPONS, ctx_access="marketer")
async def marketing_coupons(request: Request):
    return await pages.coupon_list(request)


@bp.get(f"{COUPONS}/new", ctx_access="marketer")
async def marketing_new_coupon(request: Request):
    return await pages.new_coupon(request)


@bp.post(COUPONS, ctx_access="marketer")
async def marketing_create_coupon(request: Request):
    return await pages.create_coupon(request)


@bp.get(f"{COUPONS}/<coupon_id:str>", ctx_access="marketer")
async def marketing_coupon(request: Request, coupon_id: str):
    return await pages.coupon_detail(request, coupon_id)


@bp.get(f"{COUPONS}/<coupon_id:str>/figures", ctx_access="marketer")
async def marketing_coupon_figures(request: Request, coupon_id: str):
    return await pages.figures(request, "coupon", coupon_id)


@bp.post(f"{COUPONS}/<coupon_id:str>/<action:str>", ctx_access="marketer")
async def marketing_coupon_action(request: Request, coupon_id: str, action: str):
    return await pages.coupon_action(request, coupon_id, action)


@bp.get(ENTRIES, ctx_access="operator")
async def operator_campaign_entries(request: Request):
    return await pages.entry_queue(request)


@bp.post(f"{ENTRIES}/<entry_id:str>/approve", ctx_access="operator")
async def operator_approve_entry(request: Request, entry_id: str):
    return await pages.decide(request, entry_id, approve=True)


@bp.post(f"{ENTRIES}/<entry_id:str>/reject", ctx_access="operator")
async def operator_reject_entry(request: Request, entry_id: str):
    return await pages.decide(request, entry_id, approve=False)


@bp.get("/live/alerts/campaign-entries/<campaign_id:str>", ctx_access="operator")
async def operator_entries_alert(request: Request, campaign_id: str):
    """The toast of a live promo.entered message, in the operator's language."""
    return await pages.entries_alert(request, campaign_id)
