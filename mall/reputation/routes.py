"""The shop's reputation: `GET /api/v1/shops/{id}/reputation` (public), and the merchant's full explanation
at /merchant/reputation with "Recompute now"."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import html, json, redirect

from mall.reputation.components import BY_KEY
from mall.reputation.schemas import ReputationOut
from mall.reputation.services import scoring, standing
from mall.reviews import services as reviews
from mall.shops import services as shops
from mall.web.apidoc import doc
from mall.web.i18n import gettext as _
from mall.web.templating import render

bp = Blueprint("reputation")


def health_out(health) -> dict | None:
    if health is None:
        return None
    return {
        "status": str(health.status), "score": health.score, "computed_at": health.computed_at.isoformat(),
        "window_days": health.window_days, "orders": health.orders, "min_orders": health.min_orders,
        "components": [
            {"key": part.key, "label": _(BY_KEY[part.key].label) if part.key in BY_KEY else part.key,
             "explain": _(BY_KEY[part.key].explain) if part.key in BY_KEY else "", "weight": part.weight,
             "share": health.share(part), "unit": part.unit, "value": part.value, "numerator": part.numerator,
             "denominator": part.denominator, "good": part.good, "bad": part.bad, "points": part.points}
            for part in health.components
        ],
    }  # fmt: skip


@bp.get("/api/v1/shops/<shop_id:str>/reputation", ctx_access="public")
@doc(
    "A shop's ratings (DSR over 180 days, against its category) and health score with every component, its "
    "value, weight and thresholds",
    response=ReputationOut, tag="shops",
)  # fmt: skip
async def api_reputation(request: Request, shop_id: str):
    c = request.app.ctx.c
    shop = await shops.get_shop(c.shops, shop_id)
    if shop is None or not shop.is_public:
        raise NotFound("no such shop")
    dsr = await reviews.shop_dsr(c, shop.id)
    body = {
        "shop_id": shop.id,
        "dsr": {"days": 180, "count": dsr.shop.count, "described": dsr.shop.described, "service": dsr.shop.service,
                "shipping": dsr.shop.shipping, "versus_category": {key: dsr.versus(key) for key, _v, _p in dsr.rows}},
        "health": health_out(await standing.health_of(c, shop.id)),
    }  # fmt: skip
    return json(ReputationOut.model_validate(body).model_dump())


@bp.get("/merchant/reputation", ctx_access="merchant")
async def merchant_reputation(request: Request):
    c = request.app.ctx.c
    health = await standing.health_of(c, request.ctx.shop_id)
    if health is None:
        health = await scoring.compute(c, request.ctx.shop_id)
    return await render(
        request, "reputation/merchant.html", console="merchant", active="reputation", health=health,
        components=BY_KEY, dsr=await reviews.shop_dsr(c, request.ctx.shop_id),
    )  # fmt: skip


@bp.post("/merchant/reputation/recompute", ctx_access="merchant")
async def merchant_recompute(request: Request):
    await scoring.compute(request.app.ctx.c, request.ctx.shop_id)
    request.ctx.session.flash(_("Your shop's health score was worked out again just now."), "success")
    return redirect("/merchant/reputation", status=303)


@bp.get("/live/alerts/reputation", ctx_access="merchant")
async def reputation_alert(request: Request):
    """The toast a health score falling below the warning line raises on the shop's open pages."""
    health = await standing.health_of(request.app.ctx.c, request.ctx.shop_id)
    if health is None or health.score is None:
        return html("")
    weakest = health.weakest
    text = _(BY_KEY[weakest.key].label) if weakest and weakest.key in BY_KEY else ""
    return await render(
        request, "realtime/_toast_body.html", tone="warning",
        title=_("Your shop's health score is %(score)d") % {"score": health.score}, text=text,
        link="/merchant/reputation", link_label=_("See why"),
    )  # fmt: skip
