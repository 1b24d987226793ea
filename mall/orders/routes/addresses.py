"""The shopper's address book pages."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.infra.text import N_
from mall.orders import services
from mall.orders.routes import bp
from mall.orders.routes.common import page, regions
from mall.orders.schemas import AddressIn
from mall.web.forms import Invalid, parse_form
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _

MESSAGES = {
    "name": N_("Enter the recipient's name."),
    "phone": N_("Enter a phone number, e.g. 0912-345-678."),
    "postal_code": N_("Enter a 3, 5 or 6 digit postal code."),
    "region": N_("Choose a city or county."),
    "line": N_("Enter the street address."),
}


def address_errors(errors: dict[str, str]) -> dict[str, str]:
    """Validation errors keyed by form field, in the user's language ("address.phone" -> "phone")."""
    out = {}
    for key in errors:
        field = key.split(".")[-1] if key.startswith("address") else key
        if field in MESSAGES:
            out[field] = _(MESSAGES[field])
        elif key.startswith("address"):
            out["address_id"] = _("Choose one of your addresses, or enter a new one.")
        else:
            out["form"] = _("Please check the highlighted fields.")
    return out


async def remember_address(c, user_id: str, fields: services.AddressFields) -> None:
    """Save a new checkout address to the book, unless the same one is already there."""
    book = await services.list_addresses(c.addresses, user_id)
    if any(a.snapshot() == vars(fields) for a in book):
        return
    try:
        await services.add_address(c.addresses, c.clock, user_id, fields)
    except services.AddressBookFull:
        pass  # the order has its copy; the book simply stays as it is


async def _form_page(request: Request, *, address=None, form=None, errors=None, status=200):
    return await page(
        request,
        "orders/address_form.html",
        address=address,
        form=form or (address.snapshot() if address else {}),
        errors=errors or {},
        regions=regions(current_locale()),
        status=status,
    )


@bp.get("/account/addresses", ctx_access="user")
async def address_book(request: Request):
    book = await services.list_addresses(request.app.ctx.c.addresses, request.ctx.user.id)
    return await page(request, "orders/addresses.html", book=book)


@bp.get("/account/addresses/new", ctx_access="user")
async def new_address(request: Request):
    return await _form_page(request)


def _fields(request: Request) -> tuple[services.AddressFields, bool]:
    try:
        data = parse_form(request, AddressIn, drop=("csrf_token", "default"))
    except Invalid as exc:
        raise Invalid(address_errors(exc.errors)) from None
    return services.AddressFields(**data.model_dump()), bool(request.form.get("default"))


@bp.post("/account/addresses", ctx_access="user")
async def add_address(request: Request):
    c = request.app.ctx.c
    form = {k: request.form.get(k, "") for k in request.form}
    try:
        fields, make_default = _fields(request)
        await services.add_address(c.addresses, c.clock, request.ctx.user.id, fields, make_default=make_default)
    except Invalid as exc:
        return await _form_page(request, form=form, errors=exc.errors, status=422)
    except services.AddressBookFull:
        errors = {"form": _("Your address book is full (20 addresses). Delete one first.")}
        return await _form_page(request, form=form, errors=errors, status=422)
    request.ctx.session.flash(_("Address saved."), "success")
    return redirect("/account/addresses", status=303)


async def _own(request: Request, address_id: str):
    try:
        return await services.get_address(request.app.ctx.c.addresses, request.ctx.user.id, address_id)
    except services.NotFound:
        raise NotFound(_("We could not find that address.")) from None


@bp.get("/account/addresses/<address_id:str>/edit", ctx_access="user")
async def edit_address(request: Request, address_id: str):
    return await _form_page(request, address=await _own(request, address_id))


@bp.post("/account/addresses/<address_id:str>", ctx_access="user")
async def update_address(request: Request, address_id: str):
    c = request.app.ctx.c
    address = await _own(request, address_id)
    form = {k: request.form.get(k, "") for k in request.form}
    try:
        fields, make_default = _fields(request)
    except Invalid as exc:
        return await _form_page(request, address=address, form=form, errors=exc.errors, status=422)
    await services.update_address(c.addresses, request.ctx.user.id, address.id, fields)
    if make_default:
        await services.make_default(c.addresses, request.ctx.user.id, address.id)
    request.ctx.session.flash(_("Address saved."), "success")
    return redirect("/account/addresses", status=303)


@bp.post("/account/addresses/<address_id:str>/delete", ctx_access="user")
async def delete_address(request: Request, address_id: str):
    address = await _own(request, address_id)
    await services.delete_address(request.app.ctx.c.addresses, request.ctx.user.id, address.id)
    request.ctx.session.flash(_("Address deleted. Orders keep their own copy."), "success")
    return redirect("/account/addresses", status=303)


@bp.post("/account/addresses/<address_id:str>/default", ctx_access="user")
async def default_address(request: Request, address_id: str):
    address = await _own(request, address_id)
    await services.make_default(request.app.ctx.c.addresses, request.ctx.user.id, address.id)
    request.ctx.session.flash(_("Default address changed."), "success")
    return redirect("/account/addresses", status=303)
