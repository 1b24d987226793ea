"""The one WebSocket endpoint. The handshake is refused (403) for a foreign
Origin or a channel the session may not join; messages are JSON envelopes
{channel, seq, kind, html, data}; a client resumes with
{"type": "resume", "last": {channel: seq}} and gets what it missed, in order."""

from __future__ import annotations

import asyncio
import contextlib

from sanic import Blueprint, Request
from sanic.exceptions import Forbidden
from sanic.response import redirect

from mall.realtime import services
from mall.realtime.hub import Subscriber
from mall.realtime.models import allowed_channels, may_join
from mall.web.i18n import gettext as _
from mall.web.templating import render

bp = Blueprint("realtime")
RESUME_WAIT = 2.0


@bp.on_request
async def check_channels(request: Request):
    """Runs before the upgrade, so a refusal is a plain 403 at the handshake."""
    if request.path != "/ws":
        return
    wanted = request.args.get("channels")
    user = request.ctx.user
    if wanted:
        channels = {name.strip() for name in wanted.split(",") if name.strip()}
        if not channels or len(channels) > 10 or not all(may_join(user, ch) for ch in channels):
            raise Forbidden(_("You may not join that channel."))
    else:
        channels = allowed_channels(user)
    request.ctx.rt_channels = channels


@bp.websocket("/ws", ctx_access="public")
async def socket(request: Request, ws):
    hub = request.app.ctx.hub
    store = request.app.ctx.c.channels
    subscriber = Subscriber(ws.send, request.ctx.rt_channels)
    hub.join(subscriber)
    tasks: list[asyncio.Task] = []
    try:
        first = await ws.recv(timeout=RESUME_WAIT)
        resume = services.parse_resume(first, subscriber.channels) if first else {}
        subscriber.last.update(resume)
        for channel, last_seq in resume.items():
            for seq, raw in await services.missed(store, channel, last_seq):
                await subscriber.deliver(channel, seq, raw)
        tasks = [
            asyncio.create_task(subscriber.pump()),
            asyncio.create_task(subscriber.overflowed.wait()),
            asyncio.create_task(_drain(ws)),
        ]
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if tasks[1] in done:
            await ws.close(code=1013, reason="too slow; reconnect and resume")
    finally:
        hub.leave(subscriber)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _drain(ws) -> None:
    """Read (and ignore) client frames until the socket closes."""
    while True:
        if await ws.recv() is None:
            return


@bp.get("/notifications", ctx_access="user")
async def notifications_page(request: Request):
    c = request.app.ctx.c
    page = _page(request)
    items, total = await services.list_notifications(c.notifications, request.ctx.user.id, page=page)
    return await render(request, "realtime/notifications.html", items=items, page=page, pages=max(1, -(-total // 20)))


@bp.post("/notifications/read", ctx_access="user")
async def notifications_read(request: Request):
    c = request.app.ctx.c
    await services.mark_all_read(c.notifications, c.clock, request.ctx.user.id)
    return redirect("/notifications")


def _page(request: Request) -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1
