"""The sale pages merchants and marketers share (the handlers in console.py pick the Scope): list, new,
edit, cancel, one sale and its live figures.

A merchant's scope carries request.ctx.shop_id, handed to every service call: another shop's sale is a 404
and nothing is written. Forms are closed (mall/flash_sales/forms.py): extra fields are a 422."""

from __future__ import annotations

from dataclasses import dataclass

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.catalog.models import SearchQuery, Sort
from mall.flash_sales import charts, services
from mall.flash_sales.forms import (
    EDIT_FIELDS,
    FIELDS,
    MIN_SCORE,
    REFUSAL_FIELDS,
    SKU_RE,
    blank_values,
    parse_min_score,
    parse_sale_form,
    sale_values,
    unknown_fields,
)
from mall.flash_sales.models import FlashSale, Status
from mall.flash_sales.routes.console_views import STATES, page, sale_views
from mall.flash_sales.services.samples import BUCKETS
from mall.shops import services as shops
from mall.web.forms import page_number
from mall.web.i18n import gettext as _


@dataclass(frozen=True)
class Scope:
    """Whose console: a merchant's (its own shop only) or the marketers' (every shop, featured sales)."""

    console: str
    base: str
    shop_id: str | None
    featured: bool


def merchant(request: Request) -> Scope:
    return Scope("merchant", "/merchant/flash-sales", request.ctx.shop_id, featured=False)


def marketer(_request: Request) -> Scope:
    return Scope("marketing", "/marketing/flash-sales", None, featured=True)


def operator(_request: Request) -> Scope:
    """Operators look at any sale and check its units; they schedule none."""
    return Scope("operator", "/operator/flash-sales", None, featured=True)


async def _sale(request: Request, scope: Scope, sale_id: str) -> FlashSale:
    try:
        return await services.get_sale(request.app.ctx.c, sale_id, shop_id=scope.shop_id)
    except services.FlashSaleError:
        raise NotFound(_("No such flash sale.")) from None


# --- the list ----------------------------------------------------------------------------------------------


async def sales_list(request: Request, scope: Scope):
    c = request.app.ctx.c
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    number = page_number(request)
    sales, pages = await services.sales_in_state(c, shop_id=scope.shop_id, state=state or None, page=number)
    return await page(
        request,
        "flash_sales/console_sales.html",
        fragment="flash_sales/console_sales_table.html",
        scope=scope,
        rows=await sale_views(c, sales),
        counts=await services.state_counts(c, shop_id=scope.shop_id),
        chosen=state,
        page=number,
        pages=pages,
    )


# --- new, edit, cancel -------------------------------------------------------------------------------------


async def _choices(c, scope: Scope, q: str, chosen: str) -> list[tuple]:
    """(product, shop name) SKUs to pick from: listed products matching `q` (the merchant's own shop only)."""
    query = SearchQuery(q=q, shop_id=scope.shop_id, sort=Sort.RELEVANCE if q else Sort.NEWEST, per_page=12)
    products = list((await catalog.search_products(c.products, c.categories, query)).items)
    wanted = chosen.partition(".")[0]
    if wanted and wanted not in {p.id for p in products}:
        product = await catalog.get_public_product(c.products, wanted)
        if product is not None and scope.shop_id in (None, product.shop_id):
            products.insert(0, product)
    names = {} if scope.shop_id else await shops.shops_by_ids(c.shops, [p.shop_id for p in products])
    return [(p, names[p.shop_id].name if p.shop_id in names else "") for p in products]


async def _form(request: Request, scope: Scope, *, typed: dict, errors: dict, sale=None, q="", status=200):
    c = request.app.ctx.c
    view = (await sale_views(c, [sale], with_figures=False))[0] if sale else None
    return await page(
        request,
        "flash_sales/console_form.html",
        fragment=None if sale else "flash_sales/console_sku_picker.html",
        scope=scope,
        view=view,
        typed=typed,
        errors={k: _(v) for k, v in errors.items()},
        q=q,
        choices=[] if sale else await _choices(c, scope, q, typed.get("sku", "")),
        status=status,
    )


def _refusal(exc: services.FlashSaleError) -> dict[str, str]:
    return {REFUSAL_FIELDS.get(exc.message, "form"): exc.message}


def _extra(request: Request, fields: tuple[str, ...]) -> dict[str, str]:
    extra = unknown_fields(request.form or {}, fields)
    return {"form": _("This form does not accept the field “%(name)s”.") % {"name": extra[0]}} if extra else {}


async def new_form(request: Request, scope: Scope):
    c = request.app.ctx.c
    typed = blank_values(c.clock.now(), timezone=c.settings.timezone)
    chosen = request.args.get("sku", "")  # a search keeps the SKU already picked (hx-include)
    typed["sku"] = chosen if SKU_RE.match(chosen) else ""
    return await _form(request, scope, typed=typed, errors={}, q=request.args.get("q", "").strip()[:100])


async def create(request: Request, scope: Scope):
    c = request.app.ctx.c
    s = c.settings
    typed, values, errors = parse_sale_form(request.form or {}, currency=s.currency, timezone=s.timezone)
    fields = (*FIELDS, MIN_SCORE) if scope.featured else FIELDS
    minimum, problem = parse_min_score(request.form or {}) if scope.featured else (None, None)
    typed[MIN_SCORE] = (request.form or {}).get(MIN_SCORE, "") if scope.featured else ""
    errors = _extra(request, fields) or ({**errors, MIN_SCORE: problem} if problem else errors)
    if errors:
        return await _form(request, scope, typed=typed, errors=errors, status=422)
    try:
        sale = await services.create_sale(
            c, actor_id=request.ctx.user.id, shop_id=scope.shop_id, featured=scope.featured,
            min_health_score=minimum, **values,
        )  # fmt: skip
    except services.FlashSaleError as exc:
        refusal = {"form": _(exc.message) % exc.params} if exc.params else _refusal(exc)
        return await _form(request, scope, typed=typed, errors=refusal, status=exc.status)
    if sale.status == Status.PENDING_APPROVAL:
        request.ctx.session.flash(_("Sent for approval. An operator reviews featured sales before they run."), "info")
    else:
        request.ctx.session.flash(_("Flash sale scheduled. Its units have left the SKU's normal stock."), "success")
    return redirect(f"{scope.base}/{sale.id}", status=303)


async def edit_form(request: Request, scope: Scope, sale_id: str):
    c = request.app.ctx.c
    sale = await _sale(request, scope, sale_id)
    if scope.shop_id and sale.featured:
        request.ctx.session.flash(_("This sale is run by the platform's marketers; ask them to change it."), "warning")
        return redirect(f"{scope.base}/{sale.id}", status=303)
    if not sale.editable(c.clock.now()):
        request.ctx.session.flash(_("Only a sale that has not started can be changed."), "warning")
        return redirect(f"{scope.base}/{sale.id}", status=303)
    typed = sale_values(sale, currency=c.settings.currency, timezone=c.settings.timezone)
    return await _form(request, scope, typed=typed, errors={}, sale=sale)


async def edit(request: Request, scope: Scope, sale_id: str):
    c = request.app.ctx.c
    s = c.settings
    sale = await _sale(request, scope, sale_id)
    typed, values, errors = parse_sale_form(
        request.form or {}, currency=s.currency, timezone=s.timezone, fields=EDIT_FIELDS
    )
    errors, status = _extra(request, EDIT_FIELDS) or errors, 422
    if not errors:
        try:
            await services.edit_sale(c, sale.id, shop_id=scope.shop_id, changes=values)
        except services.FlashSaleError as exc:
            errors, status = _refusal(exc), exc.status
        else:
            request.ctx.session.flash(_("Changes saved."), "success")
            return redirect(f"{scope.base}/{sale.id}", status=303)
    return await _form(request, scope, typed=typed, errors=errors, sale=sale, status=status)


async def cancel(request: Request, scope: Scope, sale_id: str):
    c = request.app.ctx.c
    sale = await _sale(request, scope, sale_id)
    try:
        await services.cancel_sale(c, sale.id, shop_id=scope.shop_id)
    except services.FlashSaleError as exc:
        request.ctx.session.flash(_(exc.message), "error")
    else:
        request.ctx.session.flash(_("Flash sale cancelled. Its units are back in the SKU's stock."), "success")
    return redirect(f"{scope.base}/{sale.id}", status=303)


# --- one sale and its live figures -------------------------------------------------------------------------


async def _figures(c, sale: FlashSale) -> dict:
    """Numbers and chart geometry of a scheduled sale (upcoming, running or ended); {} for the others,
    which never sold anything (pending, rejected, cancelled before the start)."""
    if sale.state(c.clock.now()) not in ("upcoming", "running", "ended"):
        return {}
    f = await services.live_figures(c, sale)
    ended = sale.state(c.clock.now()) == "ended"
    back = max(0, f.allocated - f.sold - f.held - f.remaining) if ended else 0  # unsold units, gone home
    series = await services.sold_series(c, sale, sold_now=f.sold)
    return {
        "f": f,
        "back": back,
        "arcs": charts.donut([("sold", f.sold), ("held", f.held), ("remaining", f.remaining), ("back", back)]),
        "spark": charts.sparkline(series, x_max=BUCKETS, y_max=f.allocated),
        "reminders": await services.reminder_count(c, sale.id),
    }


async def detail(request: Request, scope: Scope, sale_id: str):
    c = request.app.ctx.c
    sale = await _sale(request, scope, sale_id)
    (view,) = await sale_views(c, [sale], with_figures=False)
    return await page(request, "flash_sales/console_sale.html", scope=scope, view=view, fig=await _figures(c, sale))


async def figures(request: Request, scope: Scope, sale_id: str):
    """The live region alone (what a live message asks the page to reload)."""
    c = request.app.ctx.c
    sale = await _sale(request, scope, sale_id)
    (view,) = await sale_views(c, [sale], with_figures=False)
    fig = await _figures(c, sale)
    # a fragment: no socket positions or unread count to look up (it reloads up to 4 times a second)
    return await page(
        request, "flash_sales/console_figures.html", scope=scope, view=view, fig=fig, rt_last={}, unread=0
    )
