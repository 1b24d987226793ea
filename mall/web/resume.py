"""A request from someone who must sign in (again) never fails silently, and loses nothing typed.

When a session ends (it expired, or the person signed out in another tab), the page still open carries the
old CSRF token. A signed-in session's token starts with SIGNED_IN_CSRF, so a request with such a token and no
session behind it is told apart from a forgery or a guest's stale page:
- an htmx request gets HX-Redirect to /login?next=<the page it came from>, so htmx loads the sign-in page;
- a plain GET is redirected there;
- a form POST is redirected there (303), and when it came from this site its fields are kept in the new
  session as a draft for that page (passwords and tokens never), which the page reads back after sign-in.
A guest's stale htmx request gets the page reloaded (HX-Refresh), with a word about why."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from sanic import Request
from sanic.response import HTTPResponse, redirect

from mall.infra.text import N_
from mall.web import i18n
from mall.web.sessions import SIGNED_IN_CSRF

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NOT_KEPT = ("csrf_token", "checkout_token")
MAX_FIELDS, MAX_VALUE = 40, 1000  # a draft stays small in the session
ENDED = N_("Your session has ended. Sign in again to carry on where you were.")
SIGN_IN = N_("Sign in to continue.")
RELOADED = N_("This page had expired, so it has been reloaded. Please try again.")


def is_htmx_call(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def sent_csrf(request: Request) -> str | None:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.method not in SAFE_METHODS and request.form is not None:
        sent = request.form.get("csrf_token")
    return str(sent) if sent else None


def session_ended(request: Request) -> bool:
    """Nobody is signed in, yet the page was a signed-in person's."""
    return request.ctx.user is None and (sent_csrf(request) or "").startswith(SIGNED_IN_CSRF)


def to_sign_in(request: Request, *, same_site: bool) -> HTTPResponse:
    """Off to the sign-in page, and back to `where` the person was after it."""
    session, back = request.ctx.session, where(request)
    login = "/login?next=" + quote(back, safe="/")
    ended = session_ended(request)
    if is_htmx_call(request):
        session.flash(i18n.gettext(ENDED if ended else SIGN_IN), "info")
        return HTTPResponse(headers={"HX-Redirect": login})  # htmx follows it before anything else
    if request.method in SAFE_METHODS:
        return redirect(login)
    if ended and same_site:
        session.keep_draft(urlsplit(back).path, typed(request))
    session.flash(i18n.gettext(ENDED if ended else SIGN_IN), "info")
    return redirect(login, status=303)


def reload_page(request: Request) -> HTTPResponse:
    request.ctx.session.flash(i18n.gettext(RELOADED), "info")
    return HTTPResponse(headers={"HX-Refresh": "true"})


def where(request: Request) -> str:
    """The page (path and query) the request came from: this site's only, else the home page."""
    if is_htmx_call(request):
        source = request.headers.get("HX-Current-URL", "")
    elif request.method in SAFE_METHODS:
        return request.path + (f"?{request.query_string}" if request.query_string else "")
    else:
        source = request.headers.get("referer", "")
    parts = urlsplit(source)
    foreign = parts.netloc and parts.netloc != request.host
    if foreign or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def typed(request: Request) -> dict:
    """The form's fields as typed, without secrets; bounded, as it goes into the session."""
    kept: dict = {}
    for name, values in list((request.form or {}).items())[:MAX_FIELDS]:
        if name in NOT_KEPT or "password" in name.lower():
            continue
        values = [str(v)[:MAX_VALUE] for v in values]
        kept[name[:100]] = values[0] if len(values) == 1 else values[:20]
    return kept
