"""Jinja2 rendering: autoescaped, gettext-aware, htmx-aware.

A normal request gets the full page; an htmx request (HX-Request) gets the
fragment when the view names one. Either way the response varies on HX-Request."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request
from sanic.response import HTTPResponse, html

from mall.infra.money import to_major_text
from mall.web import i18n, static
from mall.web.pagecache import CSRF_MARKER, personal

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def build_environment(settings) -> Environment:
    """Templates are compiled once and kept (no look at the files on each use), unless `dev_reload` is on."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        enable_async=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.dev_reload,
        cache_size=-1,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals.update(
        settings=settings,
        locales=i18n.LOCALE_NAMES,
        html_lang=i18n.html_lang,
        personal=personal,
        static=static.url_for,
    )
    env.filters.update(
        money=lambda minor: i18n.money(minor, settings.currency),
        amount=lambda minor: to_major_text(minor, settings.currency),
        when=lambda value, fmt="medium": i18n.when(value, settings.timezone, fmt),
        number=i18n.number,
    )
    return env


def is_htmx(request: Request) -> bool:
    """An htmx swap wants the fragment; a history restore (cache miss) wants the whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


async def _signed_in_context(request: Request, user) -> dict:
    """What every whole page of a signed-in user shows (live channel positions, the bell's count):
    the composition root installs it as app.ctx.signed_in_context, so this toolkit knows no domain."""
    extra = getattr(request.app.ctx, "signed_in_context", None)
    return await extra(request.app.ctx.c, user) if extra else {}


def _flashes(request: Request) -> list:
    """Only a whole page shows (and so consumes) flashes: an htmx swap (a live refresh, the bell
    count) never shows them, and would otherwise swallow the message the next page is about to show."""
    session = getattr(request.ctx, "session", None)
    return session.pop_flashes() if session is not None and not is_htmx(request) else []


async def render(
    request: Request,
    template: str,
    *,
    fragment: str | None = None,
    status: int = 200,
    **context,
) -> HTTPResponse:
    env: Environment = request.app.ctx.jinja
    name = fragment if fragment and is_htmx(request) else template
    capture = getattr(request.ctx, "page_capture", None)
    if capture is not None:  # a shared page (mall.web.pagecache): rendered as a guest, personal parts left as holes
        body = await env.get_template(name).render_async(
            request=request, user=None, csrf_token=CSRF_MARKER, locale=i18n.current_locale(), flashes=[],
            page_capture=capture, **context,
        )  # fmt: skip
        capture.body = body
        return html(body, status=status)
    user = getattr(request.ctx, "user", None)
    if user is not None and name == template:
        for key, value in (await _signed_in_context(request, user)).items():
            context.setdefault(key, value)
    body = await env.get_template(name).render_async(
        request=request,
        user=user,
        csrf_token=request.ctx.session.csrf if getattr(request.ctx, "session", None) is not None else "",
        locale=i18n.current_locale(),
        flashes=_flashes(request) if name == template else [],
        **context,
    )
    response = html(body, status=status)
    response.headers["Vary"] = "HX-Request, Cookie"
    return response
