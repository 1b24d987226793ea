"""503 answers that say when to come back (Retry-After): while the app is still starting, and when a
dependency (Redis, or MongoDB during a failover) cannot be reached. JSON under /api/, the friendly error
page elsewhere (errors.py)."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import SanicException

from mall.infra.mongo import UNAVAILABLE as MONGO_UNAVAILABLE
from mall.infra.redis import UNAVAILABLE
from mall.web import i18n

RETRY_AFTER = 2  # seconds: a restarted Redis answers again well within this
OPEN_WHILE_STARTING = ("/healthz", "/static/", "/media/")


class Unavailable(SanicException):
    status_code = 503
    quiet = True

    def __init__(self, message: str, *, cause: str, retry_after: int = RETRY_AFTER):
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.cause = cause  # for the log


def dependency_down(exception: Exception) -> Exception:
    """A Redis that cannot be reached (or is loading after a restart), or a MongoDB without a primary (a
    failover: an election takes seconds), is a 503, not a 500."""
    for errors, name in ((UNAVAILABLE, "Redis"), (MONGO_UNAVAILABLE, "MongoDB")):
        if isinstance(exception, errors):
            message = i18n.gettext("Part of the mall is not answering right now. Try again in a few seconds.")
            return Unavailable(message, cause=f"{name} unavailable: {exception!r}")
    return exception


async def starting_gate(request: Request) -> None:
    """No page is served from a half-made app (the demo is still being written, say)."""
    if not request.app.ctx.ready and not request.path.startswith(OPEN_WHILE_STARTING):
        raise Unavailable(i18n.gettext("The mall is starting. Try again in a few seconds."), cause="still starting")
