"""Helpers shared by the JSON API handlers."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse

from mall.web import i18n
from mall.web.errors import json_error


class TooManyRequests(SanicException):
    status_code = 429
    quiet = True


def too_many(request: Request, retry_after: int, message: str) -> HTTPResponse:
    """The answer TooManyRequests gets from the error handler, without raising: on the hot endpoints a bot's
    refused attempts are half the traffic, and an exception's trip through Sanic's handlers costs more than the
    attempt itself."""
    return json_error(429, message, str(request.id), {"Retry-After": str(retry_after)})


async def rate_limit(request: Request, action: str, *keys: str) -> None:
    """Count one attempt per key (client IP first); 429 with Retry-After past the limit."""
    c = request.app.ctx.c
    limit, window = c.settings.auth_rate_limit, c.settings.auth_rate_window
    for key in (request.client_ip or "unknown", *keys):
        verdict = await c.limiter.hit(f"{action}:{key}", limit, window)
        if not verdict.allowed:
            raise TooManyRequests(
                i18n.gettext("Too many attempts. Try again in a minute."),
                headers={"Retry-After": str(verdict.retry_after)},
            )


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
