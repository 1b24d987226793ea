"""Site-wide pages: language switch, API docs, health."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import json, redirect

from mall.web import i18n
from mall.web.api import safe_next
from mall.web.apidoc import doc, document
from mall.web.templating import render

bp = Blueprint("pages")


@bp.post("/lang", ctx_access="public")
async def switch_language(request: Request):
    lang = request.form.get("lang", "")
    if lang in i18n.LOCALES:
        request.ctx.session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))


@bp.get("/api/v1/docs", ctx_access="public")
@doc("This document as a page", response={"type": "string"}, media="text/html", tag="meta")
async def api_docs(request: Request):
    return await render(request, "web/api_docs.html", spec=_spec(request))


@bp.get("/api/v1/openapi.json", ctx_access="public")
@doc("This document (OpenAPI 3.1)", response={"type": "object"}, tag="meta")
async def openapi_document(request: Request):
    return json(_spec(request))


@bp.get("/healthz", ctx_access="public")
async def health(request: Request):
    await request.app.ctx.c.redis.ping()
    return json({"ok": True})


def _spec(request: Request) -> dict:
    return document(request.app)
