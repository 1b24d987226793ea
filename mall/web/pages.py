"""Site-wide pages: language switch, API docs, health."""

from __future__ import annotations

import asyncio
import time

from sanic import Blueprint, Request
from sanic.response import json, redirect

from mall.web import i18n
from mall.web.api import safe_next
from mall.web.apidoc import doc, document
from mall.web.templating import render
from mall.web.unavailable import RETRY_AFTER

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
    """Each component's state within a second, always as JSON: 200 when the app is ready and every
    component is up, else 503 with Retry-After (a load balancer keeps the app out of rotation meanwhile)."""
    ctx = request.app.ctx
    c = ctx.c
    redis, database = await asyncio.gather(_probe(c.redis.ping()), _probe(c.db.command("ping")))
    components = {"redis": redis, "database": database}
    if problems := getattr(c.db, "index_problems", None):  # older indexes start-up could not build over
        components["database"]["indexes_to_migrate"] = problems
    embedded = getattr(ctx, "embedded_redis", None)
    if embedded is not None:
        components["redis"] |= {"embedded": embedded.state, "restarts": embedded.restarts}
    worker = getattr(ctx, "worker_task", None)
    if worker is not None:
        components["jobs"] = {"state": "down" if worker.done() else "up"}
    up = all(part["state"] == "up" for part in components.values())
    status = "ok" if ctx.ready and up else "degraded" if ctx.ready else "starting"
    headers = {} if status == "ok" else {"Retry-After": str(RETRY_AFTER)}
    return json({"status": status, "components": components}, status=200 if status == "ok" else 503, headers=headers)


PROBE_SECONDS = 0.5


async def _probe(answer) -> dict:
    """Whatever fails, the component is "down" (and the answer still JSON)."""
    started = time.perf_counter()
    try:
        await asyncio.wait_for(answer, PROBE_SECONDS)
    except TimeoutError:
        return {"state": "down", "error": f"no answer within {PROBE_SECONDS} s"}
    except Exception as exc:
        return {"state": "down", "error": type(exc).__name__}
    return {"state": "up", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _spec(request: Request) -> dict:
    return document(request.app)
