"""The shopper's flash-sale pages: /deals (running and upcoming sales across shops), a sale's page
/flash/<id> with its Buy form (reserve -> the checkout of that reservation) and "Remind me".

Every page works without JavaScript; flash.js adds the live countdowns and remaining counts (the
`deals` channel), htmx swaps results in place."""

from __future__ import annotations

from urllib.parse import quote

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import empty, redirect

from mall.flash_sales import services
from mall.flash_sales.routes import bp
from mall.flash_sales.routes.api import attempt
from mall.flash_sales.services import showcase
from mall.storefront import freshness
from mall.storefront.caching import cached_page, every_sale
from mall.storefront.services import theme_colour
from mall.web.api import safe_next
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.pagecache import Part
from mall.web.templating import is_htmx, render


def _user_id(request: Request) -> str | None:
    return request.ctx.user.id if request.ctx.user else None


async def _reminded(request: Request, holes: list[dict]) -> list[dict]:
    mine = await services.reminded(request.app.ctx.c, _user_id(request), [h["sale_id"] for h in holes])
    return [{"reminded": hole["sale_id"] in mine} for hole in holes]


# What the visitor's own account adds to a shared page (mall.web.pagecache; installed by mall.app). Their holds
# come with every signed-in visitor (mall.app.signed_in_context).
PERSONAL_PARTS = {
    "flash_sales/_remind.html": Part(data=_reminded),
    "flash_sales/_buy.html": Part(),
    "flash_sales/_sale_hold.html": Part(),
}


async def _card(request: Request, sale_id: str) -> showcase.SaleCard:
    try:
        return await showcase.sale_card(request.app.ctx.c, sale_id, user_id=_user_id(request))
    except services.FlashSaleError:
        raise NotFound(_("No such flash sale.")) from None


def _go(request: Request, url: str):
    """A redirect after a POST; htmx follows HX-Redirect with a whole page."""
    if is_htmx(request):
        response = empty(status=200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, status=303)


def _sign_in_first(request: Request, sale_id: str):
    return _go(request, f"/login?next={quote(f'/flash/{sale_id}')}")


@bp.get("/deals", ctx_access="public")
async def deals_page(request: Request):
    return await cached_page(request, freshness.FLASH_PAGES, lambda: _deals(request), sales=every_sale, counts=True)


async def _deals(request: Request):
    running, upcoming = await showcase.deals(request.app.ctx.c)
    return await render(
        request,
        "flash_sales/deals.html",
        fragment="flash_sales/_deals_list.html",
        running=running,
        upcoming=upcoming,
        live_deals=True,
    )


@bp.get("/deals/strip", ctx_access="public")
async def deals_strip(request: Request):
    """The home page's strip of sales (it reloads itself when a sale is scheduled or cancelled)."""
    running, upcoming = await showcase.deals(request.app.ctx.c)
    return await render(request, "flash_sales/_strip.html", strip=[*running, *upcoming])


async def _sale_page(request: Request, card: showcase.SaleCard, *, result=None, status: int = 200, headers=None):
    c = request.app.ctx.c
    waiting = await services.reminder_count(c, card.sale.id) if card.phase == "upcoming" else 0
    response = await render(
        request,
        "flash_sales/sale.html",
        fragment="flash_sales/_reserve_result.html",
        card=card,
        result=result,
        waiting=waiting,
        theme=theme_colour(card.shop),
        live_deals=True,
        status=status,
    )
    response.headers.update(headers or {})
    return response


@bp.get("/flash/<sale_id:str>", ctx_access="public")
async def sale_page(request: Request, sale_id: str):
    async def build():
        return await _sale_page(request, await _card(request, sale_id))

    return await cached_page(request, freshness.FLASH_PAGES, build, sale_id=sale_id, counts=True)


def _quantity(raw, limit: int) -> int | None:
    text = raw if isinstance(raw, str) else ""
    return int(text) if text.isdigit() and 1 <= int(text) <= limit else None


async def _paused(request: Request, sale_id: str):
    """Buy pressed on a page left open while the sale's shop was suspended: say so in place (or on /deals)."""
    c = request.app.ctx.c
    try:
        paused = await services.is_paused(c, await services.get_sale(c, sale_id))
    except services.FlashSaleError:
        paused = False
    if not paused:
        raise NotFound(_("No such flash sale."))
    if not is_htmx(request):
        request.ctx.session.flash(_("This shop is closed for now, so its flash sale is paused."), "warning")
        return redirect("/deals", status=303)
    return await render(request, "flash_sales/_reserve_result.html", card=None, result={"reason": "shop_suspended"},
                        status=409)  # fmt: skip


@bp.post("/flash/<sale_id:str>/reserve", ctx_access="public")
async def buy(request: Request, sale_id: str):
    """Buy: a hold for the signed-in shopper, then the checkout of it; otherwise the reason, shown in place."""
    try:
        card = await _card(request, sale_id)
    except NotFound:
        return await _paused(request, sale_id)
    if request.ctx.user is None:
        return _sign_in_first(request, card.sale.id)
    qty = _quantity(request.form.get("qty", "1"), card.sale.per_user_limit)
    if qty is None:
        return await _sale_page(request, card, result={"reason": "bad_quantity"}, status=422)
    answer = await attempt(request, card.sale.id, request.ctx.user.id, qty)
    if answer.reason == "rate_limited":
        wait = answer.retry_after
        return await _sale_page(
            request, card, result={"reason": "rate_limited", "wait": wait}, status=429,
            headers={"Retry-After": str(wait)},
        )  # fmt: skip
    if answer.reason == "ok":
        return _go(request, f"/checkout?reservation={answer.id}")
    if answer.remaining is not None:
        card.remaining = answer.remaining
    result = {"reason": answer.reason}
    if answer.reason == "limit_reached":  # most often: a hold of theirs still waits at its checkout
        mine = await services.live_holds(request.app.ctx.c, request.ctx.user.id)
        result["hold"] = next((h for h in mine if h.sale_id == card.sale.id), None)
    return await _sale_page(request, card, result=result, status=409)


@bp.post("/flash/<sale_id:str>/remind", ctx_access="public")
async def remind_me(request: Request, sale_id: str):
    """Ask (remind=1) or stop asking (remind=0) to be told when an upcoming sale opens."""
    c = request.app.ctx.c
    card = await _card(request, sale_id)
    if request.ctx.user is None:
        return _sign_in_first(request, card.sale.id)
    wanted = request.form.get("remind", "1") == "1"
    message, kind, status = None, "success", 200
    try:
        if wanted:
            await services.remind(c, card.sale.id, request.ctx.user.id)
            message = _("We will let you know when this sale starts.")
        else:
            await services.forget_reminder(c, card.sale.id, request.ctx.user.id)
            message = _("You will not be reminded of this sale.")
        card.reminded = wanted
    except services.FlashSaleError as exc:
        message, kind, status = _(exc.message), "error", exc.status
    if not is_htmx(request):
        request.ctx.session.flash(message, kind)
        return redirect(safe_next(request.form.get("next") or f"/flash/{card.sale.id}"), status=303)
    extra = {"waiting": await services.reminder_count(c, card.sale.id)} if request.form.get("count") == "1" else {}
    return await render(
        request, "flash_sales/_remind.html", sale_id=card.sale.id, reminded=card.reminded, message=message, kind=kind,
        status=status,
        next=safe_next(request.form.get("next")), **extra,
    )  # fmt: skip


@bp.get("/live/alerts/flash/<sale_id:str>", ctx_access="user")
async def live_reminder_toast(request: Request, sale_id: str):
    """The toast of a reminder: the sale someone asked about has started."""
    card = await _card(request, sale_id)
    return await render(
        request,
        "realtime/_toast_body.html",
        tone="alert",
        title=_("A flash sale you asked about has started"),
        text=card.product.display_name(current_locale()),
        link=f"/flash/{card.sale.id}",
        link_label=_("Buy now"),
    )
