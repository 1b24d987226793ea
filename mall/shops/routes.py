"""Shop pages: apply, the operator's review and shop list, the owner's shop
settings and staff, invitations, and the public shops API.

The merchant's shop is always request.ctx.shop_id (from the session user),
never an id from the request."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import json, redirect

from mall.infra.images import ImageRejected
from mall.infra.text import N_
from mall.shops import services
from mall.shops.models import SHOP_CATEGORIES, Application, Profile, ShopStatus
from mall.shops.schemas import (
    ApplyForm,
    InviteForm,
    OperatorShopsQuery,
    PageQuery,
    ProfileForm,
    ReasonForm,
    ShopListOut,
    ShopListQuery,
    ShopOut,
    friendly,
)
from mall.web.api import safe_next
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_form, parse_query
from mall.web.i18n import gettext as _
from mall.web.templating import render
from mall.web.uploads import stored_image

bp = Blueprint("shops")
PER_PAGE = 20
APPLY_FIELDS = ("name", "slug", "category", "description", "contact_email", "contact_phone")
PROFILE_FIELDS = (
    "description",
    "contact_email",
    "contact_phone",
    "theme_color",
    "announcement",
    "about",
    "low_stock_threshold",
)


async def _upload(request: Request, field: str, *, max_side: int) -> str | None:
    """Store the uploaded image in `field` (re-encoded); None when no file was chosen."""
    upload = request.files.get(field) if request.files else None
    if upload is None or not upload.body:
        return None
    return await stored_image(request.app.ctx.c.settings, upload.body, max_side=max_side)


def _categories() -> list[tuple[str, str]]:
    from mall.web.i18n import current_locale

    return [(key, labels.get(current_locale()) or labels["en"]) for key, labels in SHOP_CATEGORIES]


# --- apply ----------------------------------------------------------------------------


@bp.get("/apply", ctx_access="user")
async def apply_page(request: Request):
    c, user = request.app.ctx.c, request.ctx.user
    if user.shop_id:
        return redirect("/merchant")
    shop = await services.application_for(c.shops, user.id)
    form = {k: getattr(shop, k) for k in APPLY_FIELDS} if shop else {"contact_email": user.email}
    return await _apply(request, shop, form, {})


async def _apply(request: Request, shop, form: dict, errors: dict, status: int = 200):
    c = request.app.ctx.c
    invites = await services.invitations_for(c.invites, c.shops, request.ctx.user)
    return await render(
        request,
        "shops/apply.html",
        shop=shop,
        form=form,
        errors=errors,
        categories=_categories(),
        invite_count=len(invites),
        status=status,
    )


@bp.post("/apply", ctx_access="user")
async def apply(request: Request):
    c, user = request.app.ctx.c, request.ctx.user
    if user.shop_id:
        return redirect("/merchant")
    shop = await services.application_for(c.shops, user.id)
    form = {k: str(request.form.get(k, "")) for k in APPLY_FIELDS}
    try:
        data = parse_form(request, ApplyForm, drop=("csrf_token", "logo"))
        if not await services.slug_available(c.shops, data.slug, for_owner=user.id):
            raise Invalid({"slug": "taken"})
        logo = await _upload(request, "logo", max_side=512)
        application = Application(**data.model_dump(), logo=logo)
        await services.apply(c.shops, c.clock, applicant=user, application=application, events=c.events)
    except Invalid as exc:
        errors = friendly(exc.errors, ApplyForm)
        if exc.errors.get("slug") == "taken":
            errors["slug"] = _("This address is already taken.")
        return await _apply(request, shop, form, errors, status=422)
    except ImageRejected as exc:
        return await _apply(request, shop, form, {"logo": _(str(exc))}, status=422)
    except services.SlugTaken:
        return await _apply(request, shop, form, {"slug": _("This address is already taken.")}, status=422)
    except (services.ApplicationOpen, services.AlreadyInShop):
        request.ctx.session.flash(_("You already have an application or a shop."), "warning")
        return redirect("/apply")
    request.ctx.session.flash(_("Thank you! We will review your application soon."), "success")
    return redirect("/apply")


# --- operator ---------------------------------------------------------------------------


@bp.get("/operator", ctx_access="operator")
async def operator_home(request: Request):
    counts = await services.status_counts(request.app.ctx.c.shops)
    return await render(request, "operator/home.html", counts=counts)


@bp.get("/operator/applications", ctx_access="operator")
async def review_queue(request: Request):
    query = parse_query(request, PageQuery)
    shops, total = await services.review_queue(request.app.ctx.c.shops, page=query.page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return await render(request, "operator/applications.html", shops=shops, total=total, page=query.page, pages=pages)


@bp.get("/operator/shops", ctx_access="operator")
async def operator_shops(request: Request):
    query = parse_query(request, OperatorShopsQuery)
    shops, total = await services.list_shops(
        request.app.ctx.c.shops, status=query.status, q=query.q, page=query.page, per_page=PER_PAGE
    )
    pages = max(1, -(-total // PER_PAGE))
    return await render(
        request,
        "operator/shops.html",
        fragment="operator/_shops_table.html",
        shops=shops,
        total=total,
        query=query,
        page=query.page,
        pages=pages,
        statuses=list(ShopStatus),
    )


@bp.get("/operator/shops/<shop_id>", ctx_access="operator")
async def operator_shop(request: Request, shop_id: str):
    return await _operator_shop(request, shop_id)


async def _operator_shop(request: Request, shop_id: str, errors: dict | None = None, status: int = 200):
    c = request.app.ctx.c
    shop = await services.get_shop(c.shops, shop_id)
    if shop is None:
        raise NotFound(_("No such shop."))
    return await render(request, "operator/shop.html", shop=shop, errors=errors or {}, status=status)


DONE = {
    "approve": N_("Application approved: the shop is open."),
    "reject": N_("Application rejected. The applicant will see your reason."),
    "suspend": N_("Shop suspended: it and its products are hidden, its flash sales and promotions paused."),
    "reinstate": N_("Shop reinstated: it is visible again."),
}


@bp.post("/operator/shops/<shop_id>/<action:str>", ctx_access="operator")
async def operator_action(request: Request, shop_id: str, action: str):
    """approve | reject (reason) | suspend (reason) | reinstate; then back to `next`."""
    c, who = request.app.ctx.c, {"shop_id": shop_id, "operator_id": request.ctx.user.id}
    if action not in DONE:
        raise NotFound()
    try:
        if action == "approve":
            await services.approve(c.shops, c.users, c.clock, **who, events=c.events)
        elif action == "reinstate":
            await services.reinstate(c.shops, c.products, c.clock, **who, events=c.events)
        else:
            reason = parse_form(request, ReasonForm, drop=("csrf_token", "next")).reason
            if action == "reject":
                await services.reject(c.shops, c.clock, **who, reason=reason, events=c.events)
            else:
                await services.suspend(c.shops, c.products, c.clock, **who, reason=reason, events=c.events)
    except Invalid as exc:
        problems = friendly(exc.errors, ReasonForm)
        errors = {action: problems.get("reason") or problems.get("form")}
        return await _operator_shop(request, shop_id, errors, status=422)
    except services.NotFound:
        raise NotFound(_("No such shop.")) from None
    except services.WrongStatus:
        request.ctx.session.flash(_("Someone else already changed this shop; here is its current state."), "warning")
        return redirect(f"/operator/shops/{shop_id}")
    except services.OwnerInAnotherShop:
        request.ctx.session.flash(_("The applicant has meanwhile joined another shop's staff."), "error")
        return redirect(f"/operator/shops/{shop_id}")
    request.ctx.session.flash(_(DONE[action]), "success")
    return redirect(safe_next(request.form.get("next") or f"/operator/shops/{shop_id}"))


# --- the merchant console -------------------------------------------------------------


@bp.get("/merchant", ctx_access="merchant")
async def merchant_home(request: Request):
    c = request.app.ctx.c
    shop = await services.get_shop(c.shops, request.ctx.shop_id)
    if shop is None:
        raise NotFound(_("No such shop."))
    count = await services.product_count(c.products, shop.id)
    return await render(request, "shops/merchant_home.html", shop=shop, product_count=count)


@bp.get("/merchant/shop", ctx_access="owner")
async def profile_page(request: Request):
    shop = await services.get_shop(request.app.ctx.c.shops, request.ctx.shop_id)
    if shop is None:
        raise NotFound(_("No such shop."))
    form = {k: getattr(shop, k) if getattr(shop, k) is not None else "" for k in PROFILE_FIELDS}
    return await render(request, "shops/merchant_shop.html", shop=shop, form=form, errors={})


@bp.post("/merchant/shop", ctx_access="owner")
async def update_profile(request: Request):
    c = request.app.ctx.c
    shop = await services.get_shop(c.shops, request.ctx.shop_id)
    if shop is None:
        raise NotFound(_("No such shop."))
    form = {k: str(request.form.get(k, "")) for k in PROFILE_FIELDS}
    try:
        data = parse_form(request, ProfileForm, drop=("csrf_token", "logo", "banner"))
    except Invalid as exc:
        return await _profile(request, shop, form, friendly(exc.errors, ProfileForm))
    images, errors = {}, {}
    for field, side in (("logo", 512), ("banner", 1600)):
        try:
            images[field] = await _upload(request, field, max_side=side)
        except ImageRejected as exc:
            errors[field] = _(str(exc))
    if errors:
        return await _profile(request, shop, form, errors)
    profile = Profile(
        **data.model_dump(exclude={"remove_logo", "remove_banner"}),
        logo=images["logo"] or (None if data.remove_logo else shop.logo),
        banner=images["banner"] or (None if data.remove_banner else shop.banner),
    )
    await services.update_profile(c.shops, shop_id=shop.id, profile=profile)
    request.ctx.session.flash(_("Your shop page is updated."), "success")
    return redirect("/merchant/shop")


async def _profile(request: Request, shop, form: dict, errors: dict):
    return await render(request, "shops/merchant_shop.html", shop=shop, form=form, errors=errors, status=422)


@bp.get("/merchant/staff", ctx_access="owner")
async def staff_page(request: Request):
    return await _staff(request, {}, {})


async def _staff(request: Request, form: dict, errors: dict, status: int = 200):
    c = request.app.ctx.c
    members, invites = await services.team(c.users, c.invites, shop_id=request.ctx.shop_id)
    return await render(
        request, "shops/merchant_staff.html", members=members, invites=invites, form=form, errors=errors, status=status
    )


@bp.post("/merchant/staff/invite", ctx_access="owner")
async def invite(request: Request):
    c, user = request.app.ctx.c, request.ctx.user
    form = {"email": str(request.form.get("email", ""))}
    try:
        email = parse_form(request, InviteForm).email
        shop_id, events = request.ctx.shop_id, c.events
        await services.invite_staff(
            c.invites, c.users, c.clock, shop_id=shop_id, inviter_id=user.id, email=email, events=events
        )
    except Invalid as exc:
        return await _staff(request, form, friendly(exc.errors, InviteForm), status=422)
    except services.AlreadyInShop:
        return await _staff(request, form, {"email": _("This person is already in your shop.")}, status=422)
    except services.InviteOpen:
        return await _staff(request, form, {"email": _("This person already has an invitation waiting.")}, status=422)
    request.ctx.session.flash(
        _("Invitation sent. %(email)s will see it after signing in with that address.") % {"email": email}, "success"
    )
    return redirect("/merchant/staff")


@bp.post("/merchant/staff/invites/<invite_id>/revoke", ctx_access="owner")
async def revoke(request: Request, invite_id: str):
    try:
        await services.revoke_invite(request.app.ctx.c.invites, invite_id=invite_id, shop_id=request.ctx.shop_id)
    except services.NotFound:
        raise NotFound(_("No such invitation.")) from None
    request.ctx.session.flash(_("Invitation withdrawn."), "success")
    return redirect("/merchant/staff")


@bp.post("/merchant/staff/members/<member_id>/remove", ctx_access="owner")
async def remove_member(request: Request, member_id: str):
    try:
        await services.remove_staff(request.app.ctx.c.users, shop_id=request.ctx.shop_id, member_id=member_id)
    except services.NotFound:
        raise NotFound(_("No such staff member.")) from None
    except services.NotStaff:
        request.ctx.session.flash(_("The owner cannot be removed."), "error")
        return redirect("/merchant/staff")
    request.ctx.session.flash(_("Staff member removed."), "success")
    return redirect("/merchant/staff")


# --- invitations (the invited person) ----------------------------------------------------


@bp.get("/invites", ctx_access="user")
async def invites_page(request: Request):
    c = request.app.ctx.c
    pending = await services.invitations_for(c.invites, c.shops, request.ctx.user)
    return await render(request, "shops/invites.html", invites=pending)


@bp.post("/invites/<invite_id>/<answer:str>", ctx_access="user")
async def answer_invite(request: Request, invite_id: str, answer: str):
    c, user = request.app.ctx.c, request.ctx.user
    try:
        if answer == "accept":
            await services.accept_invite(c.invites, c.shops, c.users, invite_id=invite_id, user=user)
        elif answer == "decline":
            await services.decline_invite(c.invites, invite_id=invite_id, user=user)
        else:
            raise services.NotFound()
    except services.NotFound:
        raise NotFound(_("No such invitation.")) from None
    except services.AlreadyInShop:
        request.ctx.session.flash(_("You already belong to a shop; leave it before joining another."), "error")
        return redirect("/invites")
    if answer == "accept":
        request.ctx.session.flash(_("Welcome to the team!"), "success")
        return redirect("/merchant")
    request.ctx.session.flash(_("Invitation declined."))
    return redirect("/invites")


# --- JSON API --------------------------------------------------------------------------------


@bp.get("/api/v1/shops", ctx_access="public")
@doc(
    "Open shops, by name (filter by category; search name or address)",
    query=ShopListQuery,
    response=ShopListOut,
    tag="shops",
)
async def api_shops(request: Request):
    query = parse_query(request, ShopListQuery)
    shops, total = await services.list_public_shops(
        request.app.ctx.c.shops, page=query.page, per_page=query.per_page, category=query.category, q=query.q
    )
    items = [ShopOut.of(shop) for shop in shops]
    return json(ShopListOut(items=items, total=total, page=query.page, per_page=query.per_page).model_dump())


@bp.get("/api/v1/shops/<slug>", ctx_access="public")
@doc("One open shop by its address (404 unless approved)", response=ShopOut, tag="shops")
async def api_shop(request: Request, slug: str):
    shop = await services.get_public_shop(request.app.ctx.c.shops, slug)
    if shop is None:
        raise NotFound("no such shop")
    return json(ShopOut.of(shop).model_dump())
