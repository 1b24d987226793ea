"""What shoppers see of promotions: a campaign's landing page /campaigns/<id> (and the home page's strip of
campaigns), claiming a coupon into the wallet, and the wallet /account/coupons.

Every page works without JavaScript; htmx swaps a claim in place, and open pages reload their regions
(live-refresh) when the `deals` channel says a promotion started or ended."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.promotions import services as promotions
from mall.promotions.records import State
from mall.promotions.routes import bp
from mall.promotions.services import shelf
from mall.shops import services as shops
from mall.web.api import safe_next
from mall.web.i18n import gettext as _
from mall.web.pagecache import Part
from mall.web.templating import is_htmx, render

HIDDEN = (State.DRAFT, State.STOPPED)  # a campaign shoppers never see


async def _claimed(request: Request, holes: list[dict]) -> list[dict]:
    user = request.ctx.user
    mine = await shelf.claimed_ids(request.app.ctx.c, user.id if user else None, [h["coupon_id"] for h in holes])
    return [{"claimed": hole["coupon_id"] in mine} for hole in holes]


# What the visitor's own account adds to a shared page (mall.web.pagecache; installed by mall.app).
PERSONAL_PARTS = {"promotions/_claim_act.html": Part(data=_claimed)}


@bp.get("/campaigns/<campaign_id:str>", ctx_access="public")
async def campaign_page(request: Request, campaign_id: str):
    c = request.app.ctx.c
    try:
        campaign = await promotions.get_campaign(c, campaign_id)
    except promotions.PromotionError:
        raise NotFound(_("No such campaign.")) from None
    now = c.clock.now()
    if campaign.state(now) in HIDDEN:
        raise NotFound(_("No such campaign."))
    products = await promotions.campaign_products(c, campaign.id)
    return await render(
        request,
        "promotions/shop_campaign.html",
        fragment="promotions/shop_campaign_body.html",
        campaign=campaign,
        state=campaign.state(now).value,
        items=await shelf.campaign_shelf(c, campaign, products),
        shop_by_id=await shops.shops_by_ids(c.shops, [p.shop_id for p in products]),
        now=now,
        live_deals=True,
    )


@bp.get("/campaigns/strip", ctx_access="public")
async def campaign_strip(request: Request):
    """The home page's strip of running and coming campaigns (it reloads itself when one starts or ends)."""
    c = request.app.ctx.c
    found = await promotions.showcase(c)
    return await render(request, "promotions/shop_campaign_strip.html", campaigns=found.campaigns, now=c.clock.now())


@bp.post("/coupons/<coupon_id:str>/claim", ctx_access="user")
async def claim(request: Request, coupon_id: str):
    """Claim a coupon into the wallet; the answer (claimed, or why not) replaces the coupon's row."""
    c = request.app.ctx.c
    try:
        coupon = await promotions.get_coupon(c, coupon_id)
    except promotions.PromotionError:
        raise NotFound(_("No such coupon.")) from None
    user_id = request.ctx.user.id
    message, kind, status = _("Claimed! It is in My coupons; enter its code in your cart."), "success", 200
    try:
        await promotions.claim_coupon(c, coupon.id, user_id)
    except promotions.PromotionError as exc:
        message, kind, status = _(exc.message), "error", exc.status
    back = safe_next(request.form.get("next"))
    if not is_htmx(request):
        request.ctx.session.flash(message, kind)
        return redirect(back if back != "/" else "/account/coupons", status=303)
    return await render(
        request,
        "promotions/shop_claim.html",
        cp=await promotions.get_coupon(c, coupon.id),
        claimed=bool(await shelf.claimed_ids(c, user_id, [coupon.id])),
        message=message,
        kind=kind,
        next=back,
        status=status,
    )


@bp.get("/account/coupons", ctx_access="user")
async def wallet(request: Request):
    c = request.app.ctx.c
    mine = await promotions.my_coupons(c, request.ctx.user.id)
    now = c.clock.now()
    shop_by_id = await shops.shops_by_ids(c.shops, [m.coupon.shop_id for m in mine if m.coupon.shop_id])
    rows = sorted((shelf.wallet_row(m, now) for m in mine), key=lambda row: (not row.usable, row.coupon.ends_at))
    return await render(request, "promotions/shop_wallet.html", rows=rows, shop_by_id=shop_by_id, now=now)
