"""The merchant's products: list (status filter, needs-attention marker), create, edit, 上架 / 下架, delete.

Every lookup is scoped to request.ctx.shop_id: another shop's product id is a 404 and nothing is written."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services
from mall.catalog.forms import (
    ProductForm,
    add_variant_row,
    build_variant_rows,
    form_from_product,
    parse_product_form,
    product_errors,
    to_draft,
)
from mall.catalog.models import MerchantProduct, Product, ProductStatus
from mall.catalog.routes import bp
from mall.catalog.routes.common import category_choices, shop_is_visible, store_uploads, translated
from mall.catalog.schema_gen import attribute_problems
from mall.web.api import safe_next
from mall.web.forms import Invalid
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import is_htmx, render

HOME = "/merchant/products"
PER_PAGE = 20


def _page_number(request: Request) -> int:
    raw = str(request.args.get("page", "1"))
    return min(int(raw), 1000) if raw.isdigit() and int(raw) > 0 else 1


async def _context(request: Request) -> dict:
    c = request.app.ctx.c
    everything = await services.list_categories(c.categories)
    defs = await services.get_attribute_defs(c.attribute_sets, request.ctx.shop_id)
    return {
        "category_names": dict(category_choices(everything, current_locale())),
        "labels": {d.key: d.label_in(current_locale()) for d in defs},
        "defs": defs,
    }


@bp.get(HOME, ctx_access="merchant")
async def products_page(request: Request):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    raw_status = request.args.get("status", "")
    status = ProductStatus(raw_status) if raw_status in set(ProductStatus) else None
    page = _page_number(request)
    rows, total = await services.merchant_products(
        c.products, c.attribute_sets, shop_id=shop_id, status=status, page=page, per_page=PER_PAGE
    )
    return await render(
        request,
        "catalog/merchant_products.html",
        fragment="catalog/_product_table.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filter_status=status.value if status else "",
        attention=await services.count_needing_attention(c.products, c.attribute_sets, shop_id),
        **await _context(request),
    )


async def _form_page(request: Request, form: ProductForm, product: Product | None, errors: dict, status: int = 200):
    c = request.app.ctx.c
    everything = await services.list_categories(c.categories)
    context = await _context(request)
    return await render(
        request,
        "catalog/merchant_product_form.html",
        form=form,
        product=product,
        errors=errors,
        categories=category_choices(everything, current_locale()),
        defs=context["defs"],
        status=status,
    )


async def _own(request: Request, product_id: str) -> Product:
    try:
        return await services.get_merchant_product(
            request.app.ctx.c.products, shop_id=request.ctx.shop_id, product_id=product_id
        )
    except services.NotFound:
        raise NotFound(_("No such product in your shop.")) from None


@bp.get(f"{HOME}/new", ctx_access="merchant")
async def new_product_page(request: Request):
    return await _form_page(request, ProductForm(), None, {})


@bp.post(f"{HOME}/new", ctx_access="merchant")
async def create_product(request: Request):
    return await _submit(request, None)


@bp.get(f"{HOME}/<product_id>/edit", ctx_access="merchant")
async def product_edit_page(request: Request, product_id: str):
    product = await _own(request, product_id)
    defs = await services.get_attribute_defs(request.app.ctx.c.attribute_sets, request.ctx.shop_id)
    form = form_from_product(product, defs, request.app.ctx.c.settings.currency)
    errors = {f"attr.{k}": _(v) for k, v in attribute_problems(defs, product.attributes).items()}
    return await _form_page(request, form, product, errors)


@bp.post(f"{HOME}/<product_id>/edit", ctx_access="merchant")
async def update_product(request: Request, product_id: str):
    return await _submit(request, await _own(request, product_id))


async def _submit(request: Request, product: Product | None):
    """Save, or (action=add_variant / build) re-show the form with more variant rows; uploads are kept."""
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    defs = await services.get_attribute_defs(c.attribute_sets, shop_id)
    form = parse_product_form(request.form or {}, defs)
    stored, upload_error = await store_uploads(request)
    form.images += stored
    errors = {"images": upload_error} if upload_error else {}
    action = request.form.get("action", "save")
    if action == "add_variant":
        add_variant_row(form)
        return await _form_page(request, form, product, errors)
    if action == "build":
        problem = build_variant_rows(form)
        return await _form_page(request, form, product, {**errors, **({"dims": _(problem)} if problem else {})})
    draft, form_errors = to_draft(form, defs, c.settings.currency)
    found = await services.check_product(c.categories, c.attribute_sets, shop_id=shop_id, draft=draft)
    errors = {**translated(product_errors(found, form)), **translated(form_errors), **errors}
    if errors:
        return await _form_page(request, form, product, errors, status=422)
    status = ProductStatus.LISTED if form.listed else ProductStatus.DELISTED
    try:
        if product is None:
            await services.create_product(
                c.products, c.categories, c.attribute_sets, c.clock,
                shop_id=shop_id, draft=draft, status=status, shop_visible=lambda: shop_is_visible(request),
            )  # fmt: skip
        else:
            await services.update_product(
                c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop_id, product_id=product.id, draft=draft
            )
            if product.status != status:
                await services.set_product_status(
                    c.products, c.clock, shop_id=shop_id, product_id=product.id, status=status
                )
    except services.InvalidInput as exc:
        return await _form_page(request, form, product, translated(product_errors(exc.errors, form)), status=422)
    except services.Busy:
        message = _("Orders kept changing this product while you saved. Check the stock and save again.")
        return await _form_page(request, form, product, {"variants": message}, status=409)
    except services.NotFound:
        raise NotFound(_("No such product in your shop.")) from None
    request.ctx.session.flash(_("Product saved.") if product else _("Product added."), "success")
    return redirect(HOME)


@bp.post(f"{HOME}/variants", ctx_access="merchant")
async def variants_block(request: Request):
    """The options-and-variants part of the form, redrawn with one more row or every combination (htmx)."""
    form = parse_product_form(request.form or {}, [])
    errors = {}
    if request.form.get("action") == "build":
        problem = build_variant_rows(form)
        errors = {"dims": _(problem)} if problem else {}
    else:
        add_variant_row(form)
    return await render(request, "catalog/_variants_block.html", form=form, errors=errors)


@bp.post(f"{HOME}/<product_id>/status", ctx_access="merchant")
async def set_product_status(request: Request, product_id: str):
    c = request.app.ctx.c
    raw = str(request.form.get("status", ""))
    if raw not in set(ProductStatus):
        raise Invalid({"status": "listed or delisted"})
    try:
        product = await services.set_product_status(
            c.products, c.clock, shop_id=request.ctx.shop_id, product_id=product_id, status=ProductStatus(raw)
        )
    except services.NotFound:
        raise NotFound(_("No such product in your shop.")) from None
    if is_htmx(request):
        context = await _context(request)
        row = MerchantProduct(product, attribute_problems(context["defs"], product.attributes))
        return await render(request, "catalog/_product_row.html", row=row, **context)
    message = _("Listed: shoppers can find it.") if raw == "listed" else _("Delisted: hidden from shoppers.")
    request.ctx.session.flash(message, "success")
    return redirect(safe_next(request.form.get("next")) if request.form.get("next") else HOME)


@bp.post(f"{HOME}/<product_id>/delete", ctx_access="merchant")
async def delete_product(request: Request, product_id: str):
    try:
        await services.delete_product(request.app.ctx.c.products, shop_id=request.ctx.shop_id, product_id=product_id)
    except services.NotFound:
        raise NotFound(_("No such product in your shop.")) from None
    request.ctx.session.flash(_("Product deleted."), "success")
    return redirect(HOME)
