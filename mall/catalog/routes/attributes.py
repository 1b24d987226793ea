"""The merchant's attribute schema: rows of field definitions (add with htmx or a plain submit, remove with
a checkbox). Saving never rewrites products; the flash says how many now need attention."""

from __future__ import annotations

from sanic import Request
from sanic.response import redirect

from mall.catalog import services
from mall.catalog.forms import AttrRow, attr_rows_from, defs_from_rows, new_token, parse_attr_rows, row_errors
from mall.catalog.models import AttrType
from mall.catalog.routes import bp
from mall.catalog.routes.common import translated
from mall.web.i18n import gettext as _
from mall.web.i18n import ngettext
from mall.web.templating import render

HOME = "/merchant/attributes"


async def _page(request: Request, rows: list[AttrRow], errors: dict | None = None, status: int = 200):
    return await render(
        request,
        "catalog/merchant_attributes.html",
        rows=rows,
        errors=errors or {},
        types=_types(),
        status=status,
    )


def _types() -> list[tuple[str, str]]:
    return [
        (AttrType.TEXT.value, _("Text")),
        (AttrType.NUMBER.value, _("Number")),
        (AttrType.ENUM.value, _("Choice list")),
        (AttrType.BOOLEAN.value, _("Yes / no")),
    ]


@bp.get(HOME, ctx_access="merchant")
async def attributes_page(request: Request):
    defs = await services.get_attribute_defs(request.app.ctx.c.attribute_sets, request.ctx.shop_id)
    return await _page(request, attr_rows_from(defs) or [AttrRow(new_token())])


@bp.get(f"{HOME}/row", ctx_access="merchant")
async def blank_row(request: Request):
    """One empty row (htmx appends it to the form)."""
    return await render(request, "catalog/_attr_row.html", row=AttrRow(new_token()), errors={}, types=_types())


@bp.post(HOME, ctx_access="merchant")
async def save_attributes(request: Request):
    c = request.app.ctx.c
    rows = parse_attr_rows(request.form or {})
    if request.form.get("action") == "add":
        return await _page(request, [*rows, AttrRow(new_token())])
    try:
        await services.save_attribute_defs(c.attribute_sets, c.clock, request.ctx.shop_id, defs_from_rows(rows))
    except services.InvalidInput as exc:
        return await _page(request, rows, translated(row_errors(exc.errors, rows)), status=422)
    flagged = await services.count_needing_attention(c.products, c.attribute_sets, request.ctx.shop_id)
    message = _("Attributes saved.")
    if flagged:
        message += " " + ngettext(
            "%(num)d product no longer fits them and is marked “needs attention”.",
            "%(num)d products no longer fit them and are marked “needs attention”.",
            flagged,
        ) % {"num": flagged}
    request.ctx.session.flash(message, "warning" if flagged else "success")
    return redirect(HOME)
