"""The lean path of the hot JSON endpoints (a flash-sale reservation, remaining counts, the cart badge), which a
crowd calls thousands of times a second when a sale opens.

A route opts in with `ctx_lean=True` (its access "public" or "user"). It is then admitted here instead of by
mall.web.security: no session is loaded and no user document read. Who is asking comes from the Bearer token or
from the session id alone (its user id, CSRF token and language), both remembered per process for a few
seconds (`app.ctx.identity`), so a warm request reaches its handler without a Redis read. Every check stays:
- a Bearer call needs a known token (401), and carries no ambient credentials, so no CSRF token;
- a cookie call that changes state needs a same-site Origin when the browser sends one, and the session's
  CSRF token in X-CSRF-Token (403);
- a "user" route refuses a guest and an ended (expired, signed-out) session with 401;
- the handlers keep their own limits (a reservation counts per user and per address, 429 with Retry-After).
Handlers read `request.ctx.user_id` (there is no `request.ctx.user`), may read one entry of the session
(`session_entry`), and never write to it."""

from __future__ import annotations

import hmac

from sanic import Request
from sanic.exceptions import Forbidden, Unauthorized

from mall.web import i18n, resume
from mall.web.security import SAFE_METHODS, is_api, origin_ok, route_access
from mall.web.sessions import cookie_name

LEAN_ACCESS = ("public", "user")


def is_lean(route) -> bool:
    return getattr(route.ctx, "lean", False) is True


def check_routes(routes) -> None:
    """A lean route knows only a user id: it may not ask for a role."""
    for route in routes:
        if is_lean(route) and route_access(route) not in LEAN_ACCESS:
            raise RuntimeError(f"{route.name}: a lean route is public or for any signed-in user")


async def admit(request: Request) -> None:
    c = request.app.ctx.c
    ctx = request.ctx
    ctx.session = ctx.user = ctx.user_id = ctx.session_id = None
    ctx.via_token = False
    who = None
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        _locale(request, None)
        ctx.user_id = await request.app.ctx.identity.user_id_by_token(c, auth[7:].strip())
        if ctx.user_id is None:
            raise Unauthorized(i18n.gettext("Invalid or expired token."))
        ctx.via_token = True
    else:
        session_id = request.cookies.get(cookie_name(c.settings))
        if session_id and len(session_id) < 100:
            who = await request.app.ctx.identity.session_who(c, session_id)
        _locale(request, who)
        if who is not None:
            ctx.session_id, ctx.user_id = session_id, who.get("uid")
    if route_access(request.route) == "user" and ctx.user_id is None:
        raise Unauthorized(i18n.gettext("Sign in first."))
    if request.method not in SAFE_METHODS and not ctx.via_token:
        _check_csrf(request, who)


async def session_entry(request: Request, name: str):
    """One entry of the caller's session (None without a session), the rest left unread."""
    session_id = request.ctx.session_id
    return await request.app.ctx.c.sessions.entry(session_id, name) if session_id else None


def _locale(request: Request, who: dict | None) -> None:
    chosen = who.get("lang") if who else None
    default = request.app.ctx.c.settings.default_locale
    i18n.set_locale(chosen or i18n.negotiate(request.headers.get("accept-language", ""), default))


def _check_csrf(request: Request, who: dict | None) -> None:
    """The same rule as mall.web.security.check_csrf, for a session known only by its id."""
    if not origin_ok(request):
        raise Forbidden(i18n.gettext("Cross-site request refused."))
    if is_api(request) and request.ctx.user_id is None:
        return  # no ambient credentials to abuse
    sent = resume.sent_csrf(request)
    expected = (who or {}).get("csrf")
    if sent and expected and hmac.compare_digest(sent.encode(), str(expected).encode()):
        return
    raise Forbidden(i18n.gettext("Your form has expired. Reload the page and try again."))
