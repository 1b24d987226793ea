"""Small helpers shared by the catalog handlers."""

from __future__ import annotations

from sanic import Request

from mall.catalog.models import Category
from mall.catalog.services import trail
from mall.infra.images import ImageRejected
from mall.shops import services as shops
from mall.web.i18n import gettext as _
from mall.web.uploads import stored_image

MAX_UPLOADS = 10


def translated(errors: dict[str, str]) -> dict[str, str]:
    """Service messages are English msgids (marked N_ where written): show them in the user's language."""
    return {key: _(message) for key, message in errors.items()}


async def shop_is_visible(request: Request) -> bool:
    """New products of a suspended shop stay hidden until it is reinstated (asked before and after storing one)."""
    shop = await shops.get_shop(request.app.ctx.c.shops, request.ctx.shop_id)
    return shop is not None and shop.is_public


async def store_uploads(request: Request, field: str = "images") -> tuple[list[str], str | None]:
    """Re-encode every uploaded picture; (stored names, the first refusal message or None)."""
    s = request.app.ctx.c.settings
    uploads = [f for f in (request.files.getlist(field) or [] if request.files else []) if f.body]
    names: list[str] = []
    error = _("At most 10 pictures at a time.") if len(uploads) > MAX_UPLOADS else None
    for upload in uploads[:MAX_UPLOADS]:
        try:
            names.append(await stored_image(s, upload.body))
        except ImageRejected as exc:
            error = error or "%s: %s" % (upload.name or _("picture"), _(str(exc)))
    return names, error


def category_label(category: Category, locale: str) -> str:
    return category.name.get(locale) or category.name.get("en") or category.slug


def category_choices(all_categories: list[Category], locale: str) -> list[tuple[str, str]]:
    """(id, "Parent › Child") for every category, in tree order."""
    from mall.catalog.services import build_tree

    out: list[tuple[str, str]] = []

    def walk(nodes):
        for node in nodes:
            path = trail(all_categories, node.category.id)
            out.append((node.category.id, " › ".join(category_label(c, locale) for c in path)))
            walk(node.children)

    walk(build_tree(all_categories))
    return out
