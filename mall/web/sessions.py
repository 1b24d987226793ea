"""Server-side sessions in Redis; the cookie is an opaque random id.

HttpOnly and SameSite=Lax always; Secure with the __Host- prefix when the site
is served over https. The id changes on sign-in and sign-out (no fixation)."""

from __future__ import annotations

import secrets

from sanic import Request
from sanic.response import HTTPResponse

SIGNED_IN_CSRF = "u."  # the start of a signed-in session's CSRF token (a guest's holds no ".")


class Session(dict):
    """A visitor's server-side data. Stored (and a cookie set) only once something is put in it: a request
    that never needs a CSRF token, a sign-in or a cart line (an API call, a health check) leaves nothing."""

    def __init__(self, session_id: str | None, data: dict | None):
        super().__init__(data or {})
        self.id = session_id
        self.modified = False
        self.rotated_from: str | None = None

    @property
    def csrf(self) -> str:
        if "csrf" not in self:
            self["csrf"] = secrets.token_urlsafe(32)
        return self["csrf"]

    @property
    def user_id(self) -> str | None:
        return self.get("uid")

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.modified = True

    def pop(self, key, default=None):
        self.modified = self.modified or key in self
        return super().pop(key, default)

    def flash(self, message: str, kind: str = "info") -> None:
        self["flash"] = [*self.get("flash", []), {"kind": kind, "text": message}]

    def pop_flashes(self) -> list[dict]:
        return self.pop("flash", []) or []

    def sign_in(self, user_id: str) -> None:
        """New id and CSRF token for the signed-in session, keeping the language and cart."""
        self.rotated_from = self.id
        self.id = None
        self["uid"] = user_id
        self["csrf"] = SIGNED_IN_CSRF + secrets.token_urlsafe(32)  # tells a page of an ended session (web.resume)

    def keep_draft(self, path: str, fields: dict) -> None:
        """What was typed into a form of `path` that could not be sent (one draft at a time)."""
        self["draft"] = {"path": path, "fields": fields}

    def take_draft(self, path: str) -> dict:
        """The draft kept for `path` (then forgotten), or {}."""
        draft = self.get("draft")
        if not isinstance(draft, dict) or draft.get("path") != path:
            return {}
        self.pop("draft")
        return dict(draft.get("fields") or {})

    def sign_out(self) -> None:
        keep = {k: self[k] for k in ("lang",) if k in self}
        self.rotated_from = self.id
        self.id = None
        self.clear()
        self.update(keep)
        self["csrf"] = secrets.token_urlsafe(32)


def cookie_name(settings) -> str:
    return "__Host-mall_session" if settings.https else "mall_session"


async def load_session(request: Request) -> Session:
    store = request.app.ctx.c.sessions
    session_id = request.cookies.get(cookie_name(request.app.ctx.c.settings))
    data = await store.load(session_id) if session_id and len(session_id) < 100 else None
    return Session(session_id if data else None, data)


async def save_session(request: Request, response: HTTPResponse) -> None:
    session: Session | None = getattr(request.ctx, "session", None)
    if session is None or not session.modified:
        return
    store = request.app.ctx.c.sessions
    settings = request.app.ctx.c.settings
    if session.rotated_from:
        await store.delete(session.rotated_from)
    if session.id is None:
        session.id = secrets.token_urlsafe(32)
    await store.save(session.id, dict(session))
    response.add_cookie(
        "mall_session",  # Sanic adds the __Host- prefix itself
        session.id,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.https,
        max_age=settings.session_ttl,
        host_prefix=settings.https,
    )
