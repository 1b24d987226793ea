"""Sign up, sign in, sign out (pages and API)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import Unauthorized
from sanic.response import json, redirect

from mall.accounts import services
from mall.accounts.schemas import LoginForm, LoginIn, RegisterIn, TokenOut, UserOut
from mall.cart import services as cart
from mall.web.api import rate_limit, safe_next
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_form, parse_json
from mall.web.i18n import gettext as _
from mall.web.templating import render

bp = Blueprint("accounts")


@bp.get("/signup", ctx_access="public")
async def signup_page(request: Request):
    return await render(request, "accounts/signup.html", form={}, errors={}, next=safe_next(request.args.get("next")))


@bp.post("/signup", ctx_access="public")
async def signup(request: Request):
    c = request.app.ctx.c
    form = {k: request.form.get(k, "") for k in ("email", "name")}
    next_url = safe_next(request.form.get("next"))
    try:
        await rate_limit(request, "signup")
        data = parse_form(request, RegisterIn, drop=("csrf_token", "next"))
        user = await services.register(c.users, c.clock, email=data.email, password=data.password, name=data.name)
    except Invalid as exc:
        return await render(request, "accounts/signup.html", form=form, errors=exc.errors, next=next_url, status=422)
    except services.EmailTaken:
        errors = {"email": _("An account with this email already exists.")}
        return await render(request, "accounts/signup.html", form=form, errors=errors, next=next_url, status=422)
    request.ctx.session.sign_in(user.id)
    await cart.merge_guest_cart(c.carts, request.ctx.session, user.id)
    request.ctx.session.flash(_("Welcome to the mall, %(name)s!") % {"name": user.name}, "success")
    return redirect(next_url)


@bp.get("/login", ctx_access="public")
async def login_page(request: Request):
    return await render(request, "accounts/login.html", form={}, errors={}, next=safe_next(request.args.get("next")))


@bp.post("/login", ctx_access="public")
async def login(request: Request):
    c = request.app.ctx.c
    email = str(request.form.get("email", ""))[:254]
    next_url = safe_next(request.form.get("next"))
    await rate_limit(request, "login", email.lower())
    try:
        data = parse_form(request, LoginForm)
    except Invalid:
        data = None
    user = await services.authenticate(c.users, email=data.email, password=data.password) if data else None
    if user is None:
        errors = {"form": _("Wrong email or password.")}
        return await render(
            request, "accounts/login.html", form={"email": email}, errors=errors, next=next_url, status=422
        )
    request.ctx.session.sign_in(user.id)
    await cart.merge_guest_cart(c.carts, request.ctx.session, user.id)
    return redirect(safe_next(data.next) if data.next != "/" else next_url)


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
        raise Invalid({"email": "already registered"}) from None
    return json(_user_out(user), status=201)


@bp.post("/api/v1/auth/token", ctx_access="public")
@doc("Exchange email and password for a Bearer token", body=LoginIn, response=TokenOut, tag="auth",
     errors={401: "Wrong email or password", 429: TOO_MANY})  # fmt: skip
async def api_token(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, LoginIn)
    await rate_limit(request, "login", data.email.lower())
    user = await services.authenticate(c.users, email=data.email, password=data.password)
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
