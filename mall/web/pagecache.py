"""Pages rendered once for everyone, each answer completed with what belongs to its own visitor.

A cacheable page is rendered AS AN ANONYMOUS GUEST (no user, an empty session, a placeholder for the CSRF token),
so the shared body cannot hold anyone's data. What is personal is marked in the templates with
`{{ personal("some/_part.html", arg=...) }}`: rendered as a guest it leaves a hole, and each answer fills the
holes again for its visitor (the greeting and menu, the bell, the flash-sale holds, "Remind me", "Claimed",
"Helpful", the compare box, the flash messages). A visitor with nothing personal (a guest) gets the guest
rendering of every hole, kept with the entry. Per-request pieces besides holes: the CSRF token, the server's time
in `data-now` (countdowns measure the clock offset from it) and the text of each countdown (right for a reader
without JavaScript too).

Who keeps entries and for how long: mall.infra.pagestore (versions in the key, an LRU, Redis); the caller
(mall.storefront.freshness) says which versions a page depends on and the time window it stays right in.

Answers carry a weak ETag (the shared body and this visitor's pieces), so a revalidation is a 304 without a body;
`Server-Timing: now;desc=<ms>` gives the script the server's time even then. Compression: mall.web.compression."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape

from jinja2 import pass_context
from markupsafe import Markup
from sanic import Request
from sanic.response import HTTPResponse

from mall.web import compression, i18n
from mall.web.sessions import Session

NONCE = secrets.token_hex(6)  # this process's markers: never in a page people can write into
CSRF_MARKER = f"csrf-{NONCE}-token"
HTML = "text/html; charset=utf-8"
HOLE = "<!--hole-{nonce}-{index}-->"
SLOTS = re.compile(
    rf"(?P<csrf>{CSRF_MARKER})"
    rf"|<!--hole-{NONCE}-(?P<hole>\d+)-->"
    r'|(?<=data-now=")(?P<now>\d{10,})(?=")'
    r'|(?<=data-countdown role="timer" data-days=")(?P<days>[^"]*)">(?P<timer>[^<]*)(?=</time>)'
)


def epoch_ms(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp() * 1000)


# --- personal parts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """How to fill one kind of hole: `needed(request)` says the visitor has something of their own there (else the
    guest rendering kept with the entry serves), `data(request, args_list)` the extra context of each hole."""

    needed: Callable[[Request], bool] = lambda request: request.ctx.user is not None
    data: Callable[[Request, list[dict]], Awaitable[list[dict]]] | None = None


def signed_in(request: Request) -> bool:
    return request.ctx.user is not None


def has_flashes(request: Request) -> bool:
    session = request.ctx.session
    return session is not None and bool(session.get("flash"))


DEFAULT_PART = Part()

# The layout's own holes (templates/base.html); the domains add theirs (mall.app installs them).
LAYOUT_PARTS = {
    "web/_head_live.html": Part(),
    "web/_menu.html": Part(),
    "web/_bell.html": Part(),
    "web/_rt.html": Part(),
    "web/_flashes.html": Part(needed=has_flashes),
    "flash_sales/_held_bar.html": Part(),
}


@pass_context
def personal(ctx, template: str, **args):
    """A personal part of a page: a hole while a shared body is rendered, else the part itself, rendered in place."""
    capture: Capture | None = ctx.get("page_capture")
    if capture is not None:
        return Markup(capture.hole(template, args))  # noqa: S704 (our own marker)
    part = ctx.environment.get_template(template)
    names = {**ctx.get_all(), **args}
    if ctx.environment.is_async:

        async def rendered():
            return Markup(await part.render_async(names))  # noqa: S704 (an autoescaped template's output)

        return rendered()
    return Markup(part.render(names))  # noqa: S704 (an autoescaped template's output)


class Capture:
    """What rendering a page as a guest produced: the body with its holes marked, and the holes."""

    def __init__(self) -> None:
        self.holes: list[list] = []
        self.body: str | None = None
        self.status = 200

    def hole(self, template: str, args: dict) -> str:
        json.dumps(args)  # a hole is kept with the page (in Redis too): plain values only
        self.holes.append([template, args])
        return HOLE.format(nonce=NONCE, index=len(self.holes) - 1)


@contextmanager
def as_guest(request: Request, capture: Capture | None):
    """Within: the request is an anonymous guest's with an empty session (and renders into `capture`)."""
    ctx = request.ctx
    saved = (ctx.user, ctx.session, getattr(ctx, "page_capture", None))
    ctx.user, ctx.session, ctx.page_capture = None, Session(None, None), capture
    try:
        yield
    finally:
        ctx.user, ctx.session, ctx.page_capture = saved


async def fill(request: Request, holes: list[list]) -> list[str]:
    """Each hole rendered for whoever the request is now (a guest inside `as_guest`)."""
    if not holes:
        return []
    app = request.app
    env = app.ctx.jinja
    parts = app.ctx.personal_parts
    user = request.ctx.user
    session = request.ctx.session
    base = {
        "request": request,
        "user": user,
        "csrf_token": session.csrf if getattr(request.ctx, "page_capture", None) is None else CSRF_MARKER,
        "locale": i18n.current_locale(),
    }
    if user is not None and app.ctx.signed_in_context is not None:
        base.update(await _signed_in(request, user))
    extras: dict[int, dict] = {}
    by_template: dict[str, list[int]] = {}
    for index, (template, _args) in enumerate(holes):
        by_template.setdefault(template, []).append(index)
    for template, indexes in by_template.items():
        part = parts.get(template)
        if part is not None and part.data is not None:
            found = await part.data(request, [holes[i][1] for i in indexes])
            extras.update(zip(indexes, found, strict=True))
    out = []
    for index, (template, args) in enumerate(holes):
        names = {**base, **extras.get(index, {}), **args}
        if template == "web/_flashes.html":
            names["flashes"] = session.pop_flashes() if session is not None else []
        out.append(await env.get_template(template).render_async(names))
    return out


async def _signed_in(request: Request, user) -> dict:
    cached = getattr(request.ctx, "signed_in_parts", None)
    if cached is None:
        cached = await request.app.ctx.signed_in_context(request.app.ctx.c, user)
        request.ctx.signed_in_parts = cached
    return cached


def personal_here(request: Request, templates: frozenset[str]) -> bool:
    """Whether this visitor has anything of their own in holes of these kinds (else a guest's rendering serves)."""
    if not templates:
        return False
    parts = request.app.ctx.personal_parts
    return any(parts.get(template, DEFAULT_PART).needed(request) for template in templates)


# --- entries --------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """A body as static pieces and the slots between them (len(pieces) == len(slots) + 1). A slot is ["csrf"],
    ["now"], ["timer", target_ms, days_format] or ["hole", index]."""

    pieces: list[str]
    slots: list[list]
    _bytes: list[bytes] | None = field(default=None, repr=False)
    _deflated: list[bytes] | None = field(default=None, repr=False)

    @classmethod
    def split(cls, body: str, rendered_ms: int) -> Plan:
        pieces, slots, start = [], [], 0
        for found in SLOTS.finditer(body):
            slot = _slot(found, rendered_ms)
            if slot is None:
                continue
            a, b = (found.start("timer"), found.end("timer")) if found.group("timer") is not None else found.span()
            pieces.append(body[start:a])
            slots.append(slot)
            start = b
        pieces.append(body[start:])
        return cls(pieces, slots)

    @property
    def encoded(self) -> list[bytes]:
        if self._bytes is None:
            self._bytes = [piece.encode() for piece in self.pieces]
        return self._bytes

    @property
    def deflated(self) -> list[bytes]:
        if self._deflated is None:
            self._deflated = compression.deflated_pieces(self.encoded)
        return self._deflated

    @property
    def size(self) -> int:
        return sum(map(len, self.encoded)) * 2 + sum(len(s) for s in map(str, self.slots))


def _slot(found: re.Match, rendered_ms: int) -> list | None:
    if found.group("csrf") is not None:
        return ["csrf"]
    if found.group("hole") is not None:
        return ["hole", int(found.group("hole"))]
    if found.group("now") is not None:
        return ["now"]
    seconds = _seconds(unescape(found.group("timer")), unescape(found.group("days")))
    return None if seconds is None else ["timer", rendered_ms + seconds * 1000, unescape(found.group("days"))]


CLOCK = re.compile(r"(\d\d):(\d\d):(\d\d)")


def _seconds(text: str, days_format: str) -> int | None:
    """The seconds a countdown's text says (hh:mm:ss, or the days format with {d} and {t})."""
    if match := CLOCK.fullmatch(text):
        h, m, s = map(int, match.groups())
        return h * 3600 + m * 60 + s
    pattern = re.escape(days_format).replace(re.escape("{d}"), r"(\d+)").replace(re.escape("{t}"), CLOCK.pattern)
    if match := re.fullmatch(pattern, text):
        d, h, m, s = map(int, match.groups())
        return d * 86400 + h * 3600 + m * 60 + s
    return None


def countdown_text(seconds: int, days_format: str) -> str:
    """As flash.js and promo.js write it."""
    s = max(0, seconds)
    clock = f"{s % 86400 // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return days_format.replace("{d}", str(s // 86400)).replace("{t}", clock) if s >= 86400 else clock


@dataclass
class Entry:
    """A page kept for everyone: its plan with holes (`full`), its plan with the holes filled for a guest
    (`guest`), when it is right (`valid_from` <= now < `valid_until`, epoch ms) and whether to keep it at all."""

    status: int
    fragment: bool
    holes: list[list]
    full: Plan
    guest: Plan
    valid_from: int
    valid_until: int
    digest: str
    keep: bool = True
    _templates: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, capture: Capture, guest_fills: list[str], *, rendered_ms: int, valid: tuple[int, int],
              fragment: bool) -> Entry:  # fmt: skip
        body = capture.body or ""
        full = Plan.split(body, rendered_ms)
        merged = re.sub(rf"<!--hole-{NONCE}-(\d+)-->", lambda m: guest_fills[int(m.group(1))], body)
        guest = Plan.split(merged, rendered_ms)
        digest = hashlib.blake2b("\x00".join(full.pieces).encode() + json.dumps(capture.holes).encode(),
                                 digest_size=12).hexdigest()  # fmt: skip
        return cls(capture.status, fragment, capture.holes, full, guest, valid[0], valid[1], digest,
                   keep=capture.status == 200)  # fmt: skip

    def fresh(self, now_ms: int) -> bool:
        return self.valid_from <= now_ms < self.valid_until

    @property
    def templates(self) -> frozenset[str]:
        """The kinds of holes it has."""
        if self._templates is None:
            self._templates = frozenset(template for template, _args in self.holes)
        return self._templates

    @property
    def size(self) -> int:
        return self.full.size + self.guest.size + 512

    def dump(self) -> str:
        plans = {
            name: {"pieces": p.pieces, "slots": p.slots} for name, p in {"full": self.full, "guest": self.guest}.items()
        }
        return json.dumps({"status": self.status, "fragment": self.fragment, "holes": self.holes, **plans,
                           "valid": [self.valid_from, self.valid_until], "digest": self.digest})  # fmt: skip

    @classmethod
    def load(cls, raw: str) -> Entry:
        d = json.loads(raw)
        full, guest = Plan(**d["full"]), Plan(**d["guest"])
        return cls(d["status"], d["fragment"], d["holes"], full, guest, d["valid"][0], d["valid"][1], d["digest"])


@dataclass
class Direct:
    """A build that answered without a rendered page (a redirect, say): passed on, never kept."""

    response: HTTPResponse
    keep: bool = False
    size: int = 0


# --- answering ------------------------------------------------------------------------------------------------


async def cached(request: Request, key: tuple, *, valid: Callable[[], tuple[int, int]], build: Callable[[], Awaitable]):
    """The page for this URL, language and `key` (the versions of what it shows), rendered by `build()` when no
    entry right at this instant is kept, then completed for this visitor. `valid()`: when what `build()` renders now
    stays right, (from, until) in epoch ms."""
    c = request.app.ctx.c
    now_ms = epoch_ms(c.clock.now())
    fragment = _is_fragment(request)
    headers = request.headers
    full_key = (request.route.name, request.path, request.query_string, i18n.current_locale(), fragment,
                headers.get("HX-Target", ""), key)  # fmt: skip

    async def make():
        capture = Capture()
        with as_guest(request, capture):
            response = await build()
            if capture.body is None:
                return Direct(response)
            capture.status = response.status
            guest_fills = await fill(request, capture.holes)
        return Entry.build(capture, guest_fills, rendered_ms=now_ms, valid=valid(), fragment=fragment)

    entry, hit = await c.pages.fetch(
        full_key,
        make,
        load=Entry.load,
        fresh=lambda e: e.fresh(now_ms),
        ttl=lambda e: (e.valid_until - now_ms) // 1000,
    )
    if entry is None:  # waited for a render that was not kept (an error page, a redirect): our own
        entry, hit = await make(), False
    if isinstance(entry, Direct):
        return entry.response
    return await answer(request, entry, hit=hit, now_ms=now_ms)


def _is_fragment(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


async def answer(request: Request, entry: Entry, *, hit: bool, now_ms: int) -> HTTPResponse:
    personal_ = personal_here(request, entry.templates)
    plan = entry.full if personal_ else entry.guest
    fills = await fill(request, entry.holes) if personal_ else []
    token = request.ctx.session.csrf
    values = [_value(slot, token, now_ms, fills).encode() for slot in plan.slots]
    headers = {
        "Vary": "HX-Request, Cookie, Accept-Encoding",
        "Cache-Control": "private, no-cache",
        "Server-Timing": f"now;desc={now_ms}",
        "X-Page-Cache": "hit" if hit else "miss",
    }
    if not entry.fragment:  # (an htmx swap is never answered from the browser's cache: it always gets the time now)
        tag = hashlib.blake2b("\x00".join([entry.digest, token, *fills]).encode(), digest_size=12).hexdigest()
        headers["ETag"] = f'W/"{tag}"'
        if entry.status == 200 and _matches(request.headers.get("if-none-match"), tag):
            # (a page's type, so it gets a page's headers: a 304's replace those the browser kept with the page)
            return HTTPResponse(status=304, headers=headers, content_type=HTML)
    pieces = plan.encoded
    if compression.choose(request.headers.get("accept-encoding", ""), brotli_ok=False) == "gzip":
        deflated = plan.deflated
        items = [(pieces[0], deflated[0])]
        for value, piece, packed in zip(values, pieces[1:], deflated[1:], strict=True):
            items += ((value, None), (piece, packed))
        headers["Content-Encoding"] = "gzip"
        body = compression.spliced_gzip(items)
    else:
        parts = [pieces[0]]
        for value, piece in zip(values, pieces[1:], strict=True):
            parts += (value, piece)
        body = b"".join(parts)
    return HTTPResponse(body, status=entry.status, headers=headers, content_type=HTML)


def _value(slot: list, token: str, now_ms: int, fills: list[str]) -> str:
    kind = slot[0]
    if kind == "csrf":
        return token
    if kind == "now":
        return str(now_ms)
    if kind == "timer":
        return countdown_text(math.ceil((slot[1] - now_ms) / 1000), slot[2])
    return fills[slot[1]]


def _matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    return header.strip() == "*" or any(part.strip().removeprefix("W/").strip('"') == tag for part in header.split(","))
