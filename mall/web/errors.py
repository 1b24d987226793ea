"""One error page: JSON under /api/, a friendly HTML page elsewhere.

Users never see a stack trace; every unexpected error is logged with the
request id that the page shows."""

from __future__ import annotations

import logging

from jinja2 import Environment
from sanic import Request
from sanic.exceptions import RequestCancelled, SanicException
from sanic.handlers import ErrorHandler
from sanic.response import html, json

from mall.infra.text import N_
from mall.web import i18n
from mall.web.forms import Invalid
from mall.web.unavailable import dependency_down

log = logging.getLogger("mall.errors")


TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    413: N_("That file is too large"),
    422: N_("Please check your input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Back in a moment"),
}

GENERIC = {
    404: N_("We could not find that page. It may have moved, or the link may be mistyped."),
    405: N_("That action is not possible here."),
}


def _status(exception: Exception) -> int:
    return getattr(exception, "status_code", 500) if isinstance(exception, SanicException) else 500


class MallErrorHandler(ErrorHandler):
    def default(self, request: Request, exception: Exception):
        exception = dependency_down(exception)
        status = _status(exception)
        request_id = str(getattr(request, "id", "")) if request else ""
        if isinstance(exception, RequestCancelled):
            log.info("request %s cancelled by the client", request_id)  # the browser navigated away
            message = ""
        elif status == 503:
            log.warning("request %s answered 503: %s", request_id, getattr(exception, "cause", exception))
            message = str(exception)
        elif status >= 500:
            log.error("request %s failed", request_id, exc_info=exception)
            message = i18n.gettext("Something went wrong on our side. We have logged it.")
        elif status in (404, 405) and type(exception).__module__.startswith("sanic"):
            message = i18n.gettext(GENERIC.get(status, ""))
        else:
            message = str(exception) or i18n.gettext(TITLES.get(status, N_("Error")))
        headers = dict(getattr(exception, "headers", None) or {})
        headers["X-Request-ID"] = request_id
        if status == 405 and request is not None:
            headers["Allow"] = allowed_methods(request)
        if request is None or _is_api(request) or request.path == "/healthz":
            extra = {"fields": exception.errors} if isinstance(exception, Invalid) else {}
            if getattr(exception, "details", None):
                extra["details"] = exception.details
            return json_error(status, message, request_id, headers, **extra)
        return _html_page(request, status, message, request_id, headers)


def json_error(status: int, message: str, request_id: str, headers: dict, **extra):
    """The JSON body of every API error: {"error": {status, message, request_id, ...}}."""
    headers["X-Request-ID"] = request_id
    return json({"error": {"status": status, "message": message, "request_id": request_id, **extra}},
                status=status, headers=headers)  # fmt: skip


def allowed_methods(request: Request) -> str:
    """The methods the path answers (sanic-routing leaves Allow out when several routes share a path)."""
    router = request.app.router
    found = []
    for method in router.ALLOWED_METHODS:
        try:
            router.get(request.path, method, request.headers.get("host"))
        except SanicException:
            continue
        found.append(method)
    return ", ".join(sorted(found))


def _is_api(request: Request) -> bool:
    """Under /api/: also for a request Sanic refused before reading its path (a header over the size limit,
    e.g. a huge URL), whose request line is still in the receive buffer."""
    path = request.path
    if request.method == "NONE":
        line = bytes(getattr(request.stream, "recv_buffer", b"")[:100]).split(b" ")
        path = line[1].decode("latin-1") if len(line) > 1 else path
    return path.startswith("/api/")


def _html_page(request: Request, status: int, message: str, request_id: str, headers: dict):
    ctx = request.ctx
    page = _render_sync(
        request.app.ctx.jinja,
        "errors/error.html",
        request=request,
        user=getattr(ctx, "user", None),
        csrf_token=ctx.session.csrf if getattr(ctx, "session", None) is not None else "",
        locale=i18n.current_locale(),
        flashes=[],
        rt_last={},
        unread=0,
        status=status,
        title=i18n.gettext(TITLES.get(status, N_("Error"))),
        message=message,
        request_id=request_id,
    )
    return html(page, status=status, headers=headers)


def _render_sync(env: Environment, name: str, **context) -> str:
    """Error pages render synchronously (the handler is not a coroutine)."""
    sync_env = getattr(env, "mall_sync_copy", None)
    if sync_env is None:
        sync_env = env.overlay(enable_async=False)
        env.mall_sync_copy = sync_env
    return sync_env.get_template(name).render(**context)
