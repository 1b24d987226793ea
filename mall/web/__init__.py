"""The web toolkit: request class, templating, sessions, security and error pages. It imports no
domain; the composition root (mall.app) groups the domains' blueprints and installs them."""

from __future__ import annotations

import itertools
import secrets

from sanic import Blueprint, Request, Sanic
from sanic_ext import Extend, openapi
from sanic_ext.config import PRIORITY as SANIC_EXT_PRIORITY
from sanic_ext.extensions.http.extension import HTTPExtension
from sanic_ext.extensions.openapi.extension import OpenAPIExtension

from mall.web import lean, security, static
from mall.web.compression import compress_response
from mall.web.errors import MallErrorHandler
from mall.web.pagecache import LAYOUT_PARTS
from mall.web.sessions import save_session
from mall.web.templating import build_environment
from mall.web.unavailable import starting_gate


class MallRequest(Request):
    """Request ids for logs and error pages: this process's random prefix and a counter (unique without
    asking the OS for randomness on every request, as uuid4 does)."""

    _prefix = secrets.token_hex(4)
    _counter = itertools.count(1)

    @classmethod
    def generate_id(cls, *_):
        return f"{cls._prefix}-{next(cls._counter):x}"


def _only_api_in_openapi(group: Blueprint) -> None:
    """The OpenAPI document describes /api/v1 only, not the HTML pages."""
    for blueprint in group.blueprints:
        for future in blueprint._future_routes:
            if not future.uri.startswith("/api/"):
                openapi.exclude()(future.handler)


def build_web(app: Sanic, settings, routes: Blueprint) -> None:
    app.ctx.jinja = build_environment(settings)
    app.ctx.personal_parts = dict(LAYOUT_PARTS)  # the domains add theirs (mall.app)
    static.ASSETS.reload = settings.dev_reload
    app.error_handler = MallErrorHandler()
    # the OpenAPI document and HEAD twins; not its dependency injection, a signal handler run on every request
    Extend(app, extensions=[OpenAPIExtension, HTTPExtension], built_in_extensions=False)
    app.ext.openapi.describe(
        "mall API",
        version="1",
        description="JSON API of the mall. Authenticate with POST /api/v1/auth/token and send "
        "`Authorization: Bearer <token>`; token calls need no CSRF token.",
    )
    app.add_route(static.serve, "/static/<name:path>", name="static", ctx_access="public")
    media = settings.var_path / "media"
    media.mkdir(parents=True, exist_ok=True)
    app.static("/media", media, name="media")
    _only_api_in_openapi(routes)
    app.blueprint(routes)
    app.before_server_start(_head_follows_get, priority=SANIC_EXT_PRIORITY - 1)
    app.on_request(_admit, priority=100)
    app.on_response(_finish, priority=100)
    app.on_response(compress_response, priority=50)
    app.on_response(static.media_headers, priority=40)


def _head_follows_get(app: Sanic) -> None:
    """sanic-ext (HTTP_AUTO_HEAD) gives every GET route a HEAD twin, added just before this runs; a twin obeys
    its GET route's access rule (routes deny by default), its lean path and, for the WebSocket, the same Origin
    check."""
    by_handler = {route.handler: route for route in app.router.routes}
    for route in app.router.routes:
        get = by_handler.get(getattr(route.handler, "__route_handler__", None))
        if get is not None:
            route.ctx.access = getattr(get.ctx, "access", None)
            route.ctx.lean = getattr(get.ctx, "lean", False)
            route.extra.websocket = get.extra.websocket
    lean.check_routes(app.router.routes)


async def _admit(request: Request):
    """Nothing while the app is starting; then the hot JSON endpoints take the lean path (mall.web.lean), every
    other request the full checks. (One middleware: Sanic's per-middleware cost is paid once.)"""
    await starting_gate(request)
    if request.route is not None and lean.is_lean(request.route):
        return await lean.admit(request)
    return await security.before_request(request)


async def _finish(request, response) -> None:
    if getattr(request.ctx, "session", None) is not None and response.status != 503:  # 503: Redis may be gone
        await save_session(request, response)
    security.security_headers(request, response)
