"""Who may do what, CSRF, and the security headers.

Routes deny by default: every route declares `ctx_access=` and a route
without it answers 403. Unsafe methods need the session's CSRF token (form
field or X-CSRF-Token header) and, when the browser sends one, a same-site
Origin. Bearer-token API calls carry no ambient credentials, so they skip CSRF. A page whose session
ended, and a guest where a signed-in person is needed, are sent to sign in and back (mall.web.resume).

Who a request is and which access levels a user has come from `app.ctx.identity` (installed by the
composition root: mall.accounts.identity), so this toolkit imports no domain."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from sanic import Request
from sanic.exceptions import Forbidden, Unauthorized
from sanic.response import HTTPResponse

from mall.web import i18n, resume
from mall.web.sessions import load_session

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ACCESS_LEVELS = {"public", "user", "merchant", "owner", "operator", "marketer"}
UNCHECKED_PREFIXES = ("/static/", "/media/", "/healthz")  # no session: they answer even without Redis

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_api(request: Request) -> bool:
    return request.path.startswith("/api/")


def is_websocket(request: Request) -> bool:
    return request.route is not None and bool(getattr(request.route.extra, "websocket", False))


def _allowed_origins(request: Request) -> set[str]:
    public = urlsplit(request.app.ctx.c.settings.public_url)
    scheme = {"ws": "http", "wss": "https"}.get(request.scheme, request.scheme)
    return {f"{public.scheme}://{public.netloc}", f"{scheme}://{request.host}"}


def origin_ok(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin in _allowed_origins(request)


def _sent_origin_ok(request: Request) -> bool:
    """This site's own page sent it, as the browser says (a missing Origin proves nothing)."""
    return request.headers.get("origin") in _allowed_origins(request)


def check_csrf(request: Request) -> HTTPResponse | None:
    """None when the request may go on; a way back for a page whose session ended (mall.web.resume)."""
    if request.method in SAFE_METHODS or request.ctx.via_token:
        return None
    if not origin_ok(request):
        raise Forbidden(i18n.gettext("Cross-site request refused."))
    if is_api(request) and request.ctx.user is None:
        return None  # no ambient credentials to abuse (e.g. register, token)
    sent = resume.sent_csrf(request)
    if sent and hmac.compare_digest(sent.encode(), request.ctx.session.csrf.encode()):
        return None
    if sent and resume.session_ended(request):
        return resume.to_sign_in(request, same_site=_sent_origin_ok(request))
    if sent and resume.is_htmx_call(request):
        return resume.reload_page(request)  # a stale page (e.g. signed in again in another tab)
    raise Forbidden(i18n.gettext("Your form has expired. Reload the page and try again."))


async def authenticate(request: Request) -> None:
    c = request.app.ctx.c
    request.ctx.via_token = False
    request.ctx.user = None
    request.ctx.session = await load_session(request)
    auth = request.headers.get("authorization", "")
    if (is_api(request) or is_websocket(request)) and auth.lower().startswith("bearer "):
        user = await request.app.ctx.identity.by_token(c, auth[7:].strip())
        if user is None:
            raise Unauthorized(i18n.gettext("Invalid or expired token."))
        request.ctx.user = user
        request.ctx.via_token = True
    elif request.ctx.session.user_id:
        request.ctx.user = await request.app.ctx.identity.by_id(c, request.ctx.session.user_id)
    lang = request.ctx.session.get("lang") or i18n.negotiate(
        request.headers.get("accept-language", ""), c.settings.default_locale
    )
    i18n.set_locale(lang)


def route_access(route) -> str | None:
    """The route's declared access; sanic-ext's OpenAPI document is public."""
    if ".openapi." in route.name:
        return "public"
    return getattr(route.ctx, "access", None)


def check_access(request: Request) -> HTTPResponse | None:
    access = route_access(request.route)
    if access not in ACCESS_LEVELS:
        raise Forbidden(i18n.gettext("You do not have access to this page."))
    user = request.ctx.user
    if request.app.ctx.identity.allows(user, access):
        request.ctx.shop_id = user.shop_id if user else None
        return None
    if user is None:
        if is_api(request) or is_websocket(request):
            raise Unauthorized(i18n.gettext("Sign in first."))
        return resume.to_sign_in(request, same_site=_sent_origin_ok(request))
    raise Forbidden(i18n.gettext("You do not have access to this page."))


async def before_request(request: Request):
    if request.path.startswith(UNCHECKED_PREFIXES):
        request.ctx.session = None
        request.ctx.user = None
        return None
    await authenticate(request)
    if request.route is None:
        return None
    if is_websocket(request) and not origin_ok(request):
        raise Forbidden(i18n.gettext("Cross-site request refused."))  # cross-site WebSocket hijacking
    return check_access(request) or check_csrf(request)


# What a response that is not a page (JSON, a file) needs: nothing may run or frame it.
CSP_NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'"


def security_headers(request: Request, response: HTTPResponse) -> None:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if (response.content_type or "").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    else:
        headers.setdefault("Content-Security-Policy", CSP_NOT_A_PAGE)
    if request.app.ctx.c.settings.https:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    headers["X-Request-ID"] = str(request.id)
