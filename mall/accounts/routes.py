"""Sign up, sign in, sign out (pages and API)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import Unauthorized
from sanic.response import json, redirect

from mall.accounts import guard, services
from mall.accounts.schemas import (
    EMAIL_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    LoginForm,
    LoginIn,
    RegisterIn,
    TokenOut,
    UserOut,
)
from mall.cart import services as cart
from mall.web.api import TooManyRequests, rate_limit, safe_next
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_form, parse_json
from mall.web.i18n import gettext as _
from mall.web.i18n import ngettext
from mall.web.templating import render

bp = Blueprint("accounts")
LIMITS = {"email": EMAIL_MAX, "name": NAME_MAX, "password": PASSWORD_MAX, "password_min": PASSWORD_MIN}


@bp.get("/signup", ctx_access="public")
async def signup_page(request: Request):
    return await _page(request, "accounts/signup.html", {}, {}, safe_next(request.args.get("next")))


@bp.post("/signup", ctx_access="public")
async def signup(request: Request):
    c = request.app.ctx.c
    form = {k: str(request.form.get(k, ""))[:1000] for k in ("email", "name")}
    next_url = safe_next(request.form.get("next"))
    try:
        await rate_limit(request, "signup")
        data = parse_form(request, RegisterIn, drop=("csrf_token", "next"))
        user = await services.register(c.users, c.clock, email=data.email, password=data.password, name=data.name)
    except TooManyRequests as exc:
        return await _page(request, "accounts/signup.html", form, {"form": str(exc)}, next_url, 429, exc.headers)
    except Invalid as exc:
        errors = _shown(exc.errors, ("email", "name", "password"))
        return await _page(request, "accounts/signup.html", form, errors, next_url, 422)
    except services.EmailTaken:
        errors = {"email": _("An account with this email already exists.")}
        return await _page(request, "accounts/signup.html", form, errors, next_url, 422)
    request.ctx.session.sign_in(user.id)
    await cart.merge_guest_cart(c.carts, request.ctx.session, user.id)
    request.ctx.session.flash(_("Welcome to the mall, %(name)s!") % {"name": user.name}, "success")
    return redirect(next_url)


@bp.get("/login", ctx_access="public")
async def login_page(request: Request):
    return await _page(request, "accounts/login.html", {}, {}, safe_next(request.args.get("next")))


@bp.post("/login", ctx_access="public")
async def login(request: Request):
    c = request.app.ctx.c
    form = {"email": str(request.form.get("email", ""))[:254]}
    next_url = safe_next(request.form.get("next"))
    try:
        data = parse_form(request, LoginForm, drop=("csrf_token", "next"))
        user = await guard.sign_in(c, email=data.email, password=data.password, address=request.client_ip)
    except Invalid as exc:
        return await _page(
            request, "accounts/login.html", form, _shown(exc.errors, ("email", "password")), next_url, 422
        )
    except guard.TooManyAttempts as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return await _page(request, "accounts/login.html", form, {"form": _refusal(exc)}, next_url, 429, headers)
    if user is None:
        errors = {"form": _("Wrong email or password.")}
        return await _page(request, "accounts/login.html", form, errors, next_url, 422)
    request.ctx.session.sign_in(user.id)
    await cart.merge_guest_cart(c.carts, request.ctx.session, user.id)
    return redirect(next_url)


async def _page(request: Request, template: str, form: dict, errors: dict, next_url: str, status=200, headers=None):
    """The sign-in or sign-up page: what was typed (never the password), errors in the form, the server's limits."""
    response = await render(request, template, form=form, errors=errors, next=next_url, limits=LIMITS, status=status)
    response.headers.update(headers or {})
    return response


def _shown(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """Errors next to the fields the page has; anything else (a field the form never had) as one form error."""
    shown = {k: v for k, v in errors.items() if k in fields}
    return shown if len(shown) == len(errors) else {**shown, "form": _("Please check the form.")}


def _refusal(exc: guard.TooManyAttempts) -> str:
    if exc.scope == "account":
        text = ngettext(
            "Too many wrong passwords for this account from your connection. Try again in %(num)d second.",
            "Too many wrong passwords for this account from your connection. Try again in %(num)d seconds.",
            exc.retry_after,
        )
    else:
        text = ngettext(
            "Too many sign-in attempts from your connection. Try again in %(num)d second.",
            "Too many sign-in attempts from your connection. Try again in %(num)d seconds.",
            exc.retry_after,
        )
    return text % {"num": exc.retry_after}


@bp.post("/logout", ctx_access="public")
async def logout(request: Request):
    request.ctx.session.sign_out()
    request.ctx.session.flash(_("You are signed out."))
    return redirect("/")


TOO_MANY = "Too many attempts from this address or for this email: wait Retry-After seconds"


@bp.post("/api/v1/auth/register", ctx_access="public")
@doc("Create a shopper account (422 when the email is taken)", body=RegisterIn, response=UserOut, status=201,
     tag="auth", errors={429: TOO_MANY})  # fmt: skip
async def api_register(request: Request):
    c = request.app.ctx.c
    await rate_limit(request, "signup")
    data = parse_json(request, RegisterIn)
    try:
        user = await services.register(c.users, c.clock, email=data.email, password=data.password, name=data.name)
    except services.EmailTaken:
        raise Invalid({"email": _("An account with this email already exists.")}) from None
    return json(_user_out(user), status=201)


@bp.post("/api/v1/auth/token", ctx_access="public")
@doc("Exchange email and password for a Bearer token", body=LoginIn, response=TokenOut, tag="auth",
     errors={401: "Wrong email or password", 429: TOO_MANY})  # fmt: skip
async def api_token(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, LoginIn)
    try:
        user = await guard.sign_in(c, email=data.email, password=data.password, address=request.client_ip)
    except guard.TooManyAttempts as exc:
        raise TooManyRequests(_refusal(exc), headers={"Retry-After": str(exc.retry_after)}) from None
    if user is None:
        raise Unauthorized("wrong email or password")
    return json({"token": await services.issue_token(c.tokens, user)})


@bp.get("/api/v1/me", ctx_access="user")
@doc("The signed-in user", response=UserOut, tag="auth")
async def api_me(request: Request):
    return json(_user_out(request.ctx.user))


def _user_out(user) -> dict:
    return UserOut(
        id=user.id, email=user.email, name=user.name, roles=user.roles, shop_id=user.shop_id, shop_role=user.shop_role
    ).model_dump()
