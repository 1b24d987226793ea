"""The operators' category tree: add, rename, reorder, delete (only when empty)."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services
from mall.catalog.routes import bp
from mall.catalog.routes.common import category_choices, translated
from mall.catalog.schemas import CategoryForm, CategoryNameForm, MoveForm
from mall.web.forms import Invalid, parse_form
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import render

HOME = "/operator/categories"


def _rows(tree, depth: int = 0) -> list[tuple]:
    """(node, depth, is_first, is_last) in display order."""
    out = []
    for i, node in enumerate(tree):
        out.append((node, depth, i == 0, i == len(tree) - 1))
        out.extend(_rows(node.children, depth + 1))
    return out


async def _page(request: Request, form: dict | None = None, errors: dict | None = None, status: int = 200):
    everything = await services.list_categories(request.app.ctx.c.categories)
    return await render(
        request,
        "catalog/operator_categories.html",
        fragment="catalog/_category_rows.html",
        rows=_rows(services.build_tree(everything)),
        parents=[(i, label) for i, label in category_choices(everything, current_locale()) if label.count(" › ") < 2],
        form=form or {},
        errors=errors or {},
        status=status,
    )


@bp.get(HOME, ctx_access="operator")
async def categories_page(request: Request):
    return await _page(request)


@bp.post(HOME, ctx_access="operator")
async def add_category(request: Request):
    form = {k: str(request.form.get(k, "")) for k in ("slug", "name_en", "name_zh_Hant", "parent_id")}
    try:
        data = parse_form(request, CategoryForm)
        await services.create_category(
            request.app.ctx.c.categories,
            slug=data.slug,
            name={"en": data.name_en, "zh_Hant": data.name_zh_Hant},
            parent_id=data.parent_id or None,
        )
    except Invalid as exc:
        return await _page(request, form, _form_errors(exc.errors), status=422)
    except services.InvalidInput as exc:
        return await _page(request, form, translated(exc.errors), status=422)
    request.ctx.session.flash(_("Category added."), "success")
    return redirect(HOME)


def _form_errors(errors: dict[str, str]) -> dict[str, str]:
    messages = {
        "slug": _("1–48 characters: lowercase letters, digits and hyphens."),
        "parent_id": _("Choose a parent from the list."),
    }
    return {k: messages.get(k, _("Enter the name in both languages.")) for k in errors}


async def _category(request: Request, category_id: str):
    category = await services.get_category(request.app.ctx.c.categories, category_id)
    if category is None:
        raise NotFound(_("No such category."))
    return category


@bp.get(f"{HOME}/<category_id>/edit", ctx_access="operator")
async def category_edit_page(request: Request, category_id: str):
    category = await _category(request, category_id)
    form = {"name_en": category.name.get("en", ""), "name_zh_Hant": category.name.get("zh_Hant", "")}
    return await render(request, "catalog/operator_category_edit.html", category=category, form=form, errors={})


@bp.post(f"{HOME}/<category_id>/edit", ctx_access="operator")
async def rename_category(request: Request, category_id: str):
    c = request.app.ctx.c
    category = await _category(request, category_id)
    form = {k: str(request.form.get(k, "")) for k in ("name_en", "name_zh_Hant")}
    try:
        data = parse_form(request, CategoryNameForm)
        await services.rename_category(
            c.categories, c.products, category.id, name={"en": data.name_en, "zh_Hant": data.name_zh_Hant}
        )
    except (Invalid, services.InvalidInput) as exc:
        errors = translated(exc.errors) if isinstance(exc, services.InvalidInput) else _form_errors(exc.errors)
        return await render(
            request, "catalog/operator_category_edit.html", category=category, form=form, errors=errors, status=422
        )
    request.ctx.session.flash(_("Category renamed."), "success")
    return redirect(HOME)


@bp.post(f"{HOME}/<category_id>/move", ctx_access="operator")
async def move_category(request: Request, category_id: str):
    category = await _category(request, category_id)
    try:
        data = parse_form(request, MoveForm)
    except Invalid:
        return redirect(HOME)
    await services.move_category(request.app.ctx.c.categories, category.id, up=data.direction == "up")
    return await _page(request) if request.headers.get("HX-Request") == "true" else redirect(HOME)


@bp.post(f"{HOME}/<category_id>/delete", ctx_access="operator")
async def delete_category(request: Request, category_id: str):
    c = request.app.ctx.c
    category = await _category(request, category_id)
    try:
        await services.delete_category(c.categories, c.products, category.id)
    except services.CategoryInUse as exc:
        name = category.name.get(current_locale()) or category.slug
        request.ctx.session.flash(
            _("“%(name)s” was not deleted. %(reason)s") % {"name": name, "reason": _(str(exc))}, "error"
        )
        return redirect(HOME)
    request.ctx.session.flash(_("Category deleted."), "success")
    return redirect(HOME)
