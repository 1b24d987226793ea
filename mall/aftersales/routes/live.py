"""Fragments the live messages ask for (a toast, a badge), each behind the usual access checks: a case's toast only
for its shopper, its shop's people and operators."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound

from mall.aftersales import services
from mall.aftersales.routes import bp
from mall.aftersales.routes.common import STATUS, page
from mall.infra.ids import is_id
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _


def _viewer(request: Request, case) -> str | None:
    user = request.ctx.user
    if case.user_id == user.id:
        return "shopper"
    if user.shop_id and case.shop_id == user.shop_id:
        return "merchant"
    if request.app.ctx.identity.allows(user, "operator"):
        return "operator"
    return None


@bp.get("/live/alerts/after-sales/<case_id:str>", ctx_access="user")
async def case_toast(request: Request, case_id: str):
    case = await request.app.ctx.c.cases.get(case_id) if is_id(case_id) else None
    viewer = _viewer(request, case) if case else None
    if viewer is None:
        raise NotFound()
    status = case.status.value
    if viewer == "merchant":
        title = (
            _("New after-sales request")
            if status == "requested"
            else _("After-sales %(status)s") % {"status": _(STATUS[status]).lower()}
        )
        link = f"/merchant/after-sales/{case.id}"
    elif viewer == "operator":
        title = _("A shopper asks the platform to step in")
        link = f"/operator/disputes/{case.id}"
    else:
        title = _("Your after-sales request: %(status)s") % {"status": _(STATUS[status]).lower()}
        link = f"/account/after-sales/{case.id}"
    tone = "warning" if status in ("requested", "disputed") and viewer != "shopper" else "success"
    text = f"{case.number} · {case.line_label(current_locale())}"
    return await page(request, "realtime/_toast_body.html", title=title, text=text, link=link, link_label=_("Open"),
                      tone=tone)  # fmt: skip


@bp.get("/live/after-sales-badge", ctx_access="merchant")
async def shop_badge(request: Request):
    counts = await services.shop_counts(request.app.ctx.c, shop_id=request.ctx.shop_id)
    return await page(request, "aftersales/_badge.html", count=counts["waiting"], badge_id="as-badge",
                      url="/live/after-sales-badge")  # fmt: skip


@bp.get("/live/disputes-badge", ctx_access="operator")
async def ops_badge(request: Request):
    count = await services.dispute_count(request.app.ctx.c)
    return await page(request, "aftersales/_badge.html", count=count, badge_id="disputes-badge",
                      url="/live/disputes-badge")  # fmt: skip
