"""Site-wide pages: language switch, API docs, health."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import json, redirect

from mall.web import i18n
from mall.web.api import safe_next
from mall.web.templating import render

bp = Blueprint("pages")


@bp.post("/lang", ctx_access="public")
async def switch_language(request: Request):
    lang = request.form.get("lang", "")
    if lang in i18n.LOCALES:
        request.ctx.session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))


@bp.get("/api/v1/docs", ctx_access="public")
async def api_docs(request: Request):
    return await render(request, "web/api_docs.html", spec=_spec(request))


@bp.get("/api/v1/openapi.json", ctx_access="public")
async def openapi_document(request: Request):
    return json(_spec(request))


@bp.get("/healthz", ctx_access="public")
async def health(request: Request):
    await request.app.ctx.c.redis.ping()
    return json({"ok": True})


def _spec(request: Request) -> dict:
    from sanic_ext.extensions.openapi.builders import SpecificationBuilder

    spec = SpecificationBuilder().build(request.app).serialize()
    # The WebSocket route escapes the per-handler exclusion (Sanic wraps its handler).
    spec["paths"] = {path: ops for path, ops in spec["paths"].items() if path.startswith("/api/")}
    return spec
